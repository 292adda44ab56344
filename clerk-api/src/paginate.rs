//! Walking every page of a list operation as a stream of items.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::Stream;

use crate::error::Error;

/// The page size when the caller sets no `limit` (Clerk's default is 10,
/// its maximum 500).
const DEFAULT_PAGE_SIZE: i64 = 100;

/// What the next page request should carry.
pub(crate) struct PageRequest {
    pub(crate) limit: i64,
    pub(crate) offset: Option<i64>,
    /// The id of the last item seen, for cursor pagination.
    pub(crate) after: Option<String>,
}

/// One page: its items and, when the response says, the total.
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total: Option<i64>,
}

struct State<T, F> {
    fetch: F,
    limit: i64,
    offset: i64,
    after: Option<String>,
    seen: i64,
    buffered: VecDeque<T>,
    done: bool,
}

/// Streams the items of successive pages: `fetch` gets each page's
/// request; `cursor` (the id of an item) switches to `starting_after`
/// pagination after the first page. Stops after a short or empty page,
/// once `total` items were seen, or after an error (which is yielded).
pub(crate) fn paginate<'a, T, E, F, Fut>(
    limit: Option<i64>,
    offset: Option<i64>,
    cursor: Option<fn(&T) -> String>,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    F: FnMut(PageRequest) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T>, Error<E>>> + 'a,
{
    let state = State {
        fetch,
        limit: limit.filter(|l| *l > 0).unwrap_or(DEFAULT_PAGE_SIZE),
        offset: offset.unwrap_or(0),
        after: None,
        seen: 0,
        buffered: VecDeque::new(),
        done: false,
    };
    futures_util::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            let request = PageRequest {
                limit: state.limit,
                offset: if state.after.is_some() {
                    None
                } else {
                    Some(state.offset)
                },
                after: state.after.clone(),
            };
            match (state.fetch)(request).await {
                Err(e) => {
                    state.done = true;
                    return Some((Err(e), state));
                }
                Ok(page) => {
                    let count = page.items.len() as i64;
                    state.seen += count;
                    state.offset += count;
                    let reached_total = page.total.is_some_and(|total| state.offset >= total);
                    state.done = count < state.limit || reached_total;
                    if let (Some(id_of), Some(last)) = (cursor, page.items.last()) {
                        state.after = Some(id_of(last));
                    }
                    state.buffered.extend(page.items);
                }
            }
        }
    })
}
