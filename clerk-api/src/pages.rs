//! Walking every page of a list operation, as its declaration
//! (`x-clerk-pagination`) says: which parameters page, where a page's
//! items are, and when a cursor may replace the offset. One walker for the
//! typed clients and for calls described at run time (the `clerk` CLI).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::call::{Options, api_error};
use crate::config::Config;
use crate::error::{DecodeError, Error, RequestError};
use crate::request::Request;

/// The page size when the call sets no `limit` (Clerk's default is 10,
/// its maximum 500).
const DEFAULT_PAGE_SIZE: i64 = 100;

type Text = Cow<'static, str>;

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRule {
    limit: Text,
    offset: Text,
    items: Option<Text>,
    total: Option<Text>,
    cursor: Option<CursorRule>,
}

/// After the first page, `param` takes the last item's `field`, while the
/// query parameter `requires.0` is absent or one of `requires.1`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CursorRule {
    param: Text,
    field: Text,
    requires: Option<(Text, Vec<Text>)>,
}

impl PageRule {
    /// Pages by the `limit` and `offset` query parameters named so; the
    /// whole response is a page's items until [`items`](Self::items) says
    /// otherwise.
    pub fn offset(limit: impl Into<Text>, offset: impl Into<Text>) -> Self {
        PageRule {
            limit: limit.into(),
            offset: offset.into(),
            items: None,
            total: None,
            cursor: None,
        }
    }

    /// The response is an object whose field `field` holds the items.
    pub fn items(mut self, field: impl Into<Text>) -> Self {
        self.items = Some(field.into());
        self
    }

    /// The response object's field `field` holds the total count.
    pub fn total(mut self, field: impl Into<Text>) -> Self {
        self.total = Some(field.into());
        self
    }

    /// After the first page, query parameter `param` takes the last
    /// item's `field` instead of an offset.
    pub fn cursor(mut self, param: impl Into<Text>, field: impl Into<Text>) -> Self {
        self.cursor = Some(CursorRule {
            param: param.into(),
            field: field.into(),
            requires: None,
        });
        self
    }

    /// The cursor may be used only while query parameter `param` is absent
    /// or one of `values`.
    pub fn cursor_requires<V: Into<Text>>(
        mut self,
        param: impl Into<Text>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        if let Some(cursor) = &mut self.cursor {
            cursor.requires = Some((param.into(), values.into_iter().map(Into::into).collect()));
        }
        self
    }

    /// The item field the cursor takes, if there is a cursor.
    pub fn cursor_field(&self) -> Option<&str> {
        self.cursor.as_ref().map(|c| &*c.field)
    }
}

/// How to read the cursor value out of an item.
type CursorOf<Item> = Arc<dyn Fn(&Item) -> Option<String> + Send + Sync>;

/// The paging of a list operation's [`Call`](crate::Call): its rule, and
/// how to read the cursor from an item.
pub struct Paged<Item> {
    rule: PageRule,
    cursor_of: Option<CursorOf<Item>>,
}

impl<Item> fmt::Debug for Paged<Item> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paged").field("rule", &self.rule).finish()
    }
}

impl<Item> Paged<Item> {
    pub(crate) fn new(rule: PageRule, cursor_of: Option<fn(&Item) -> Option<String>>) -> Self
    where
        Item: 'static,
    {
        Paged {
            rule,
            cursor_of: cursor_of.map(|f| Arc::new(f) as CursorOf<Item>),
        }
    }
}

impl Paged<serde_json::Value> {
    /// Items read as JSON take the cursor from the rule's field.
    pub(crate) fn json(rule: PageRule) -> Self {
        let cursor_of = rule.cursor.as_ref().map(|c| {
            let field = c.field.clone();
            Arc::new(move |item: &serde_json::Value| {
                item.get(&*field)?.as_str().map(str::to_string)
            }) as CursorOf<serde_json::Value>
        });
        Paged { rule, cursor_of }
    }
}

/// One page: its items and, when the response says, the total.
struct Page<Item> {
    items: Vec<Item>,
    total: Option<i64>,
}

type PageFuture<Item, E> = Pin<Box<dyn Future<Output = Result<Page<Item>, Error<E>>> + Send>>;

/// Every item of a list operation, page after page: a
/// [`Stream`](futures_util::Stream) that needs no pinning, with
/// [`try_next`](Pages::try_next) and [`try_collect`](Pages::try_collect)
/// as its own methods.
#[must_use = "a page walk does nothing until it is polled"]
pub struct Pages<Item, E> {
    config: Config,
    version: &'static str,
    request: Option<Request>,
    options: Arc<Options>,
    paged: Paged<Item>,
    limit: i64,
    offset: i64,
    after: Option<String>,
    /// Whether the cursor may be used for this walk.
    use_cursor: bool,
    buffered: VecDeque<Item>,
    in_flight: Option<PageFuture<Item, E>>,
    /// An error to yield before anything else (invalid arguments).
    failed: Option<Error<E>>,
    done: bool,
    _error: PhantomData<fn() -> E>,
}

impl<Item, E> fmt::Debug for Pages<Item, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("rule", &self.paged.rule)
            .field("offset", &self.offset)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<Item, E> Pages<Item, E>
where
    Item: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    pub(crate) fn new(
        config: Config,
        version: &'static str,
        request: Result<Request, RequestError>,
        options: Options,
        paged: Paged<Item>,
    ) -> Self {
        let (request, failed) = match request {
            Ok(request) => (Some(request), None),
            Err(e) => (None, Some(Error::Request(e))),
        };
        let query = |name: &str| -> Option<&str> {
            let request = request.as_ref()?;
            request
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let rule = &paged.rule;
        let limit = query(&rule.limit)
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|l| *l > 0)
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let offset = query(&rule.offset)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        let after = rule
            .cursor
            .as_ref()
            .and_then(|c| query(&c.param))
            .map(str::to_string);
        // A cursor only where the declaration allows it with this call's
        // arguments (`GET /users` takes one with the created_at orderings
        // only, and answers 422 otherwise).
        let use_cursor = paged.cursor_of.is_some()
            && rule.cursor.as_ref().is_some_and(|c| match &c.requires {
                None => true,
                Some((param, values)) => {
                    query(param).is_none_or(|v| values.iter().any(|allowed| allowed == v))
                }
            });
        Pages {
            config,
            version,
            request,
            options: Arc::new(options),
            paged,
            limit,
            offset,
            after,
            use_cursor,
            buffered: VecDeque::new(),
            in_flight: None,
            failed,
            done: false,
            _error: PhantomData,
        }
    }

    /// The next item, `None` after the last; an error ends the walk.
    pub async fn try_next(&mut self) -> Result<Option<Item>, Error<E>> {
        std::future::poll_fn(|cx| self.poll_next_item(cx))
            .await
            .transpose()
    }

    /// Every remaining item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<Item>, Error<E>> {
        let mut items = Vec::new();
        while let Some(item) = self.try_next().await? {
            items.push(item);
        }
        Ok(items)
    }

    /// The request for the next page: the call's, with the page's limit
    /// and offset (or cursor) set.
    fn next_request(&self) -> Option<Request> {
        let mut request = self.request.clone()?;
        let rule = &self.paged.rule;
        let mut set = |name: &str, value: Option<String>| {
            request.query.retain(|(k, _)| k != name);
            if let Some(value) = value {
                request.query.push((name.to_string(), value));
            }
        };
        set(&rule.limit, Some(self.limit.to_string()));
        match (&rule.cursor, &self.after) {
            (Some(cursor), Some(after)) if self.use_cursor => {
                set(&rule.offset, None);
                set(&cursor.param, Some(after.clone()));
            }
            _ => set(&rule.offset, Some(self.offset.to_string())),
        }
        Some(request)
    }

    fn poll_next_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Item, Error<E>>>> {
        loop {
            if let Some(e) = self.failed.take() {
                self.done = true;
                return Poll::Ready(Some(Err(e)));
            }
            if let Some(item) = self.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            if self.in_flight.is_none() {
                let Some(request) = self.next_request() else {
                    self.done = true;
                    continue;
                };
                let config = self.config.clone();
                let version = self.version;
                let options = Arc::clone(&self.options);
                let items = self.paged.rule.items.clone();
                let total = self.paged.rule.total.clone();
                self.in_flight = Some(Box::pin(async move {
                    fetch_page(&config, version, &request, &options, items, total).await
                }));
            }
            let Some(in_flight) = self.in_flight.as_mut() else {
                continue;
            };
            let page = match in_flight.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            self.in_flight = None;
            match page {
                Err(e) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Ok(page) => {
                    let count = page.items.len() as i64;
                    self.offset += count;
                    let reached_total = page.total.is_some_and(|total| self.offset >= total);
                    self.done = count < self.limit || reached_total;
                    if self.use_cursor
                        && let (Some(cursor_of), Some(last)) =
                            (&self.paged.cursor_of, page.items.last())
                    {
                        match cursor_of(last) {
                            Some(after) => self.after = Some(after),
                            // An item without its cursor: keep to offsets.
                            None => self.use_cursor = false,
                        }
                    }
                    self.buffered.extend(page.items);
                }
            }
        }
    }
}

// No field is pinned in place (the page in flight is boxed), so a walk can
// be moved between polls: `try_next()` needs no `pin!`.
impl<Item, E> Unpin for Pages<Item, E> {}

impl<Item, E> futures_util::Stream for Pages<Item, E>
where
    Item: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    type Item = Result<Item, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_item(cx)
    }
}

async fn fetch_page<Item: DeserializeOwned, E: DeserializeOwned>(
    config: &Config,
    version: &'static str,
    request: &Request,
    options: &Options,
    items: Option<Text>,
    total: Option<Text>,
) -> Result<Page<Item>, Error<E>> {
    let raw = config
        .execute(version, request, options)
        .await
        .map_err(Error::from_failure)?;
    if !(200..300).contains(&raw.status) {
        return Err(Error::Api(Box::new(api_error(
            raw.status,
            raw.headers,
            raw.body,
            request.operation,
        ))));
    }
    decode_page(&raw.body, items.as_deref(), total.as_deref()).map_err(|(path, message)| {
        Error::Decode(DecodeError {
            status: raw.status,
            path,
            message,
            raw_body: raw.body.clone(),
            operation: request.operation,
        })
    })
}

/// A page's items (the whole body, or its `items` field) and total,
/// decoded in one pass; a failure is explained with its JSON path.
fn decode_page<Item: DeserializeOwned>(
    body: &[u8],
    items: Option<&str>,
    total: Option<&str>,
) -> Result<Page<Item>, (String, String)> {
    let Some(items) = items else {
        return crate::call::decode::<Vec<Item>>(body).map(|items| Page { items, total: None });
    };
    let envelope = Envelope {
        items,
        total,
        _item: PhantomData,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match envelope.deserialize(&mut deserializer) {
        Ok(page) => Ok(page),
        Err(first) => {
            // Decode the items again, tracking the path, to say where.
            let value: serde_json::Value =
                serde_json::from_slice(body).map_err(|e| (String::new(), e.to_string()))?;
            let Some(inner) = value.get(items).cloned() else {
                return Err((items.to_string(), format!("missing field `{items}`")));
            };
            match serde_path_to_error::deserialize::<_, Vec<Item>>(inner) {
                Err(e) => Err((
                    format!("{items}{}", bracketed(&e.path().to_string())),
                    e.inner().to_string(),
                )),
                Ok(_) => Err((String::new(), first.to_string())),
            }
        }
    }
}

/// `[3].id` after a field name, `.x` otherwise.
fn bracketed(path: &str) -> String {
    if path == "." {
        String::new()
    } else if path.starts_with('[') {
        path.to_string()
    } else {
        format!(".{path}")
    }
}

/// Reads an envelope object: the items field as `Vec<Item>`, the total
/// field as an integer, everything else skipped.
struct Envelope<'r, Item> {
    items: &'r str,
    total: Option<&'r str>,
    _item: PhantomData<fn() -> Item>,
}

impl<'de, Item: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, Item> {
    type Value = Page<Item>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, Item: DeserializeOwned> Visitor<'de> for Envelope<'_, Item> {
    type Value = Page<Item>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with the items in `{}`", self.items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        let mut total = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.items {
                items = Some(map.next_value::<Vec<Item>>()?);
            } else if Some(&*key) == self.total {
                total = map.next_value::<Option<i64>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let items = items.ok_or_else(|| serde::de::Error::missing_field("items"))?;
        Ok(Page { items, total })
    }
}

impl crate::call::Call<serde_json::Value, serde_json::Value> {
    /// Pages a call described at run time as `rule` says, reading the
    /// cursor from each JSON item's field.
    pub fn paged_json(
        self,
        rule: PageRule,
    ) -> crate::call::Call<serde_json::Value, serde_json::Value, Paged<serde_json::Value>> {
        self.with_pages(Paged::json(rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_give_their_items_and_total_in_one_pass() {
        let body =
            br#"{"total_count": 3, "data": [{"id": "a"}, {"id": "b"}], "extra": {"x": [1]}}"#;
        let page: Page<serde_json::Value> =
            decode_page(body, Some("data"), Some("total_count")).unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.total, Some(3));
        let err = decode_page::<serde_json::Value>(br#"{"total_count": 3}"#, Some("data"), None)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err, ("data".into(), "missing field `data`".into()));
        #[derive(serde::Deserialize, Debug)]
        struct Item {
            #[allow(dead_code)]
            id: String,
        }
        let err = decode_page::<Item>(br#"{"data": [{"id": "a"}, {"id": 5}]}"#, Some("data"), None)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err.0, "data[1].id", "{err:?}");
    }
}
