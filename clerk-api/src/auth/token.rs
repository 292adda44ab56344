//! Finding the token of a request: `Authorization: Bearer <token>` first,
//! then the `__session` cookie that Clerk's frontend sets for same-origin
//! requests. Header values are untrusted input: nothing here panics on a
//! non-UTF-8 value, a huge one or many of them.

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap};

use super::error::AuthError;

/// The longest token accepted, in bytes. Clerk's session tokens are about
/// 1 KB with custom claims well under the 4 KB a cookie holds; a longer
/// value is refused before any parsing.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The cookie Clerk's frontend SDKs keep the session token in.
pub const SESSION_COOKIE: &str = "__session";

/// Where a request's token was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// `Authorization: Bearer …`
    Header,
    /// The `__session` cookie.
    Cookie,
}

/// The token of a request, and where it was: the `Authorization` header's
/// bearer token if there is one, else the `__session` cookie. `Ok(None)`
/// when there is neither; an error for a header that cannot hold one
/// (several `Authorization` headers, a scheme other than `Bearer`, bytes
/// that are not visible ASCII, a token over [`MAX_TOKEN_LEN`]).
pub fn token_from_headers(headers: &HeaderMap) -> Result<Option<(&str, TokenSource)>, AuthError> {
    let mut authorization = headers.get_all(AUTHORIZATION).iter();
    if let Some(value) = authorization.next() {
        if authorization.next().is_some() {
            return Err(AuthError::malformed("several Authorization headers"));
        }
        let value = value
            .to_str()
            .map_err(|_| AuthError::malformed("the Authorization header is not visible ASCII"))?;
        let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::malformed(
                "the Authorization header is not `Bearer <token>`",
            ));
        }
        return checked(token.trim()).map(|t| Some((t, TokenSource::Header)));
    }
    for value in headers.get_all(COOKIE) {
        // A cookie header that is not text belongs to someone else: skip it.
        let Ok(text) = value.to_str() else { continue };
        for pair in text.split(';') {
            if let Some((name, token)) = pair.trim().split_once('=')
                && name.trim() == SESSION_COOKIE
            {
                return checked(token.trim().trim_matches('"'))
                    .map(|t| Some((t, TokenSource::Cookie)));
            }
        }
    }
    Ok(None)
}

fn checked(token: &str) -> Result<&str, AuthError> {
    if token.is_empty() {
        return Err(AuthError::malformed("the token is empty"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::malformed(format!(
            "the token is longer than {MAX_TOKEN_LEN} bytes"
        )));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_bytes(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn bearer_first_then_the_session_cookie() {
        let both = headers(&[
            ("authorization", b"Bearer abc"),
            ("cookie", b"theme=dark; __session=xyz"),
        ]);
        assert_eq!(
            token_from_headers(&both).unwrap(),
            Some(("abc", TokenSource::Header))
        );
        let cookie = headers(&[
            ("cookie", b"a=1"),
            ("cookie", b"theme=dark; __session=xyz; b=2"),
        ]);
        assert_eq!(
            token_from_headers(&cookie).unwrap(),
            Some(("xyz", TokenSource::Cookie))
        );
        assert_eq!(
            token_from_headers(&headers(&[("cookie", b"__session_x=1")])).unwrap(),
            None
        );
        assert_eq!(token_from_headers(&HeaderMap::new()).unwrap(), None);
        assert_eq!(
            token_from_headers(&headers(&[("authorization", b"bearer  abc ")])).unwrap(),
            Some(("abc", TokenSource::Header))
        );
    }

    #[test]
    fn hostile_headers_are_errors_not_panics() {
        for bad in [
            headers(&[("authorization", b"Basic dXNlcjpwYXNz")]),
            headers(&[("authorization", b"Bearer")]),
            headers(&[
                ("authorization", b"Bearer a"),
                ("authorization", b"Bearer b"),
            ]),
            headers(&[("authorization", b"Bearer \xff\xfe")]),
            headers(&[(
                "authorization",
                format!("Bearer {}", "a".repeat(MAX_TOKEN_LEN + 1)).as_bytes(),
            )]),
        ] {
            assert!(
                matches!(token_from_headers(&bad), Err(AuthError::Malformed { .. })),
                "{bad:?}"
            );
        }
        // A cookie header that is not text is skipped.
        let skipped = headers(&[("cookie", b"\xff=1"), ("cookie", b"__session=ok")]);
        assert_eq!(
            token_from_headers(&skipped).unwrap(),
            Some(("ok", TokenSource::Cookie))
        );
    }
}
