//! `clerk_api::auth` against tokens signed by keys the tests generate, with
//! the instance's keys served by a mock Backend API on 127.0.0.1
//! (`GET /jwks`, the machine-token verify operations), requests counted on
//! the server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clerk_api::auth::{
    Accept, AuthError, Identity, Requirement, SessionStatus, TokenKind, Verifier, VerifierBuilder,
    VerifierConfigError,
};
use clerk_api::v2026_05_12 as clerk;
use serde_json::{Value, json};
use tests::jwt::{TestKey, b64, keys, merge, now, session_claims, unsigned};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "sk_test_auth_secret_never_shown";

/// A Backend API that serves `keys` as the instance's JWKS.
async fn instance(keys: &[&TestKey]) -> MockServer {
    let server = MockServer::start().await;
    serve_keys(&server, keys, Duration::ZERO).await;
    server
}

async fn serve_keys(server: &MockServer, keys: &[&TestKey], delay: Duration) {
    let jwks = json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()});
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(jwks)
                .set_delay(delay),
        )
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> clerk::Client {
    clerk::Client::builder()
        .secret_key(SECRET)
        .base_url(server.uri())
        .retry_policy(clerk_api::RetryPolicy::none())
        .build()
        .unwrap()
}

fn verifier(server: &MockServer) -> VerifierBuilder {
    Verifier::builder().backend(&client(server))
}

async fn jwks_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/jwks")
        .count()
}

fn at(seconds: i64) -> impl Fn() -> SystemTime + Send + Sync + 'static {
    move || UNIX_EPOCH + Duration::from_secs(seconds as u64)
}

#[tokio::test]
async fn a_v1_session_token_with_its_organization() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server)
        .authorized_parties(["https://app.example.com"])
        .issuer("https://clerk.example.com")
        .build()
        .unwrap();
    let token = keys().a.session(json!({
        "org_id": "org_1", "org_role": "org:admin", "org_slug": "acme",
        "org_permissions": ["org:invoices:read"], "email": "ada@example.com"
    }));
    let session = verifier.verify_session(&token).await.unwrap();
    assert_eq!(session.user_id, "user_2abc");
    assert_eq!(session.session_id, "sess_2abc");
    assert_eq!(session.format, 1);
    assert_eq!(session.status, SessionStatus::Active);
    let org = session.organization.clone().unwrap();
    assert_eq!(
        (org.id.as_str(), org.slug.as_deref()),
        ("org_1", Some("acme"))
    );
    assert!(session.has(&Requirement::role("org:admin")));
    assert!(session.has(&Requirement::permission("org:invoices:read")));
    assert!(!session.has(&Requirement::permission("org:invoices:write")));
    // Custom claims, through a map or the caller's own type.
    assert_eq!(session.claims()["email"], "ada@example.com");
    #[derive(serde::Deserialize)]
    struct Mine {
        email: String,
        exp: i64,
    }
    let mine: Mine = session.claims_as().unwrap();
    assert_eq!(mine.email, "ada@example.com");
    assert!(mine.exp > now());
    assert_eq!(jwks_requests(&server).await, 1);
}

#[tokio::test]
async fn a_v2_session_token_with_features_plans_and_an_actor() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server).build().unwrap();
    let token = keys().a.session(json!({
        "v": 2,
        "sts": "active",
        "fea": "o:dashboard,o:invoices,u:beta",
        "pla": "u:pro,o:team",
        "fva": [3, -1],
        "act": {"sub": "user_support", "iss": "https://dashboard.clerk.com"},
        "o": {"id": "org_1", "rol": "admin", "slg": "acme", "per": "read,manage,delete", "fpm": "3,5"}
    }));
    let session = verifier.verify_session(&token).await.unwrap();
    assert_eq!(session.format, 2);
    assert_eq!(session.factor_verification_age, Some([3, -1]));
    assert_eq!(session.actor.as_ref().unwrap().subject, "user_support");
    let org = session.organization.as_ref().unwrap();
    assert_eq!(org.role.as_deref(), Some("org:admin"));
    assert_eq!(
        org.permissions,
        [
            "org:dashboard:read",
            "org:dashboard:manage",
            "org:invoices:read",
            "org:invoices:delete"
        ]
    );
    assert!(session.has(&Requirement::role("admin").and(Requirement::feature("o:invoices"))));
    assert!(session.has(&Requirement::plan("pro")) && session.has(&Requirement::plan("org:team")));
    assert!(!session.has(&Requirement::plan("u:team")));
    assert!(
        !session.has(&Requirement::feature("z:beta")),
        "an unknown scope is false"
    );
}

#[tokio::test]
async fn a_pem_key_verifies_without_any_network() {
    // No Backend API at all: nothing could be fetched.
    let verifier = Verifier::builder().jwt_key(keys().a.pem()).build().unwrap();
    let session = verifier
        .verify_session(&keys().a.session(json!({})))
        .await
        .unwrap();
    assert_eq!(session.user_id, "user_2abc");
    // Also as one line with `\n` written out, as environment files hold it.
    let one_line = keys().a.pem().replace('\n', "\\n");
    let verifier = Verifier::builder().jwt_key(one_line).build().unwrap();
    assert!(
        verifier
            .verify_session(&keys().a.session(json!({})))
            .await
            .is_ok()
    );
    // Another instance's token does not verify with this key.
    let err = verifier
        .verify_session(&keys().b.session(json!({})))
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::InvalidSignature);
    let bad = Verifier::builder()
        .jwt_key("not a key")
        .build()
        .unwrap_err();
    assert!(
        matches!(bad, VerifierConfigError::InvalidPem { .. }),
        "{bad:?}"
    );
}

#[tokio::test]
async fn times_are_checked_with_the_clock_skew_at_its_boundary() {
    let t = 1_900_000_000;
    let v = Verifier::builder()
        .jwt_key(keys().a.pem())
        .clock(at(t))
        .build()
        .unwrap();
    let token = |claims: Value| {
        let base = merge(session_claims(), json!({"iat": t - 10, "nbf": null}));
        keys().a.sign(&keys().a.header(), &merge(base, claims))
    };
    // Default skew 5 s: expired when exp <= now - 5.
    assert!(
        v.verify_session(&token(json!({"exp": t - 4})))
            .await
            .is_ok()
    );
    assert_eq!(
        v.verify_session(&token(json!({"exp": t - 5})))
            .await
            .unwrap_err(),
        AuthError::Expired {
            expired_at: t - 5,
            now: t
        }
    );
    // Not before nbf - 5.
    assert!(
        v.verify_session(&token(json!({"exp": t + 60, "nbf": t + 5})))
            .await
            .is_ok()
    );
    assert_eq!(
        v.verify_session(&token(json!({"exp": t + 60, "nbf": t + 6})))
            .await
            .unwrap_err(),
        AuthError::NotYetValid {
            not_before: t + 6,
            now: t
        }
    );
    // iat: not after now + 5, not after exp.
    assert!(
        v.verify_session(&token(json!({"exp": t + 60, "iat": t + 5})))
            .await
            .is_ok()
    );
    assert!(matches!(
        v.verify_session(&token(json!({"exp": t + 60, "iat": t + 6})))
            .await,
        Err(AuthError::IssuedInTheFuture { .. })
    ));
    assert!(matches!(
        v.verify_session(&token(json!({"exp": t + 3, "iat": t + 4})))
            .await,
        Err(AuthError::IssuedInTheFuture { .. })
    ));
    // exp is required and a whole number; timestamps past i32.
    let missing = v.verify_session(&token(json!({"exp": null}))).await;
    assert!(
        matches!(missing, Err(AuthError::InvalidClaim { claim: "exp", .. })),
        "{missing:?}"
    );
    assert!(matches!(
        v.verify_session(&token(json!({"exp": "soon"}))).await,
        Err(AuthError::InvalidClaim { claim: "exp", .. })
    ));
    let far = Verifier::builder()
        .jwt_key(keys().a.pem())
        .clock(at(5_000_000_000))
        .build()
        .unwrap();
    let token = keys()
        .a
        .session(json!({"iat": 4_999_999_990_i64, "nbf": null, "exp": 5_000_000_060_i64}));
    assert_eq!(
        far.verify_session(&token).await.unwrap().expires_at,
        5_000_000_060
    );
    // No skew: the boundary moves.
    let strict = Verifier::builder()
        .jwt_key(keys().a.pem())
        .clock(at(t))
        .clock_skew(Duration::ZERO)
        .build()
        .unwrap();
    let token = keys()
        .a
        .session(json!({"iat": t - 10, "nbf": null, "exp": t}));
    assert!(matches!(
        strict.verify_session(&token).await,
        Err(AuthError::Expired { .. })
    ));
}

#[tokio::test]
async fn forged_signatures_and_other_algorithms_are_refused() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server).build().unwrap();
    let header = keys().a.header();
    let claims = session_claims();

    // Signed by another key that claims instance A's kid.
    let forged = keys().b.sign(&header, &claims);
    assert_eq!(
        verifier.verify_session(&forged).await.unwrap_err(),
        AuthError::InvalidSignature
    );

    // A valid signature over other claims.
    let good = keys().a.sign(&header, &claims);
    let (_, signature) = good.rsplit_once('.').unwrap();
    let elevated = unsigned(
        &header,
        &merge(
            claims.clone(),
            json!({"org_role": "org:admin", "org_id": "org_x"}),
        ),
    );
    let spliced = format!("{elevated}.{signature}");
    assert_eq!(
        verifier.verify_session(&spliced).await.unwrap_err(),
        AuthError::InvalidSignature
    );

    // alg: none, with and without a signature.
    let none_header = json!({"alg": "none", "typ": "JWT", "kid": "ins_key_1"});
    for token in [
        format!("{}.", unsigned(&none_header, &claims)),
        format!("{}.{}", unsigned(&none_header, &claims), signature),
    ] {
        let err = verifier.verify_session(&token).await.unwrap_err();
        assert!(matches!(err, AuthError::Malformed { .. }), "{err:?}");
    }

    // HS256 keyed with the instance's public key (the classic confusion).
    let hs_header = json!({"alg": "HS256", "typ": "JWT", "kid": "ins_key_1"});
    let message = unsigned(&hs_header, &claims);
    let mac = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, keys().a.pem().as_bytes()),
        message.as_bytes(),
    );
    let hs = format!("{message}.{}", b64(mac.as_ref()));
    assert_eq!(
        verifier.verify_session(&hs).await.unwrap_err(),
        AuthError::UnsupportedAlgorithm {
            algorithm: "HS256".into()
        }
    );
    for alg in ["ES256", "PS256", "EdDSA"] {
        let h = json!({"alg": alg, "typ": "JWT", "kid": "ins_key_1"});
        let token = format!("{}.{}", unsigned(&h, &claims), signature);
        assert_eq!(
            verifier.verify_session(&token).await.unwrap_err(),
            AuthError::UnsupportedAlgorithm {
                algorithm: alg.into()
            }
        );
    }
    // A JWK that pins RS256 does not verify an RS384 header.
    let rs384 = json!({"alg": "RS384", "typ": "JWT", "kid": "ins_key_1"});
    let token = format!("{}.{}", unsigned(&rs384, &claims), signature);
    assert!(matches!(
        verifier.verify_session(&token).await,
        Err(AuthError::UnsupportedAlgorithm { .. })
    ));
}

#[tokio::test]
async fn malformed_tokens_are_errors_not_panics() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server).build().unwrap();
    let random: String = (0..300)
        .map(|i| char::from(b'!' + (i * 37 % 90) as u8))
        .collect();
    let header_only = b64(keys().a.header().to_string().as_bytes());
    for token in [
        String::new(),
        "..".to_string(),
        "a.b".to_string(),
        "a.b.c".to_string(),
        random,
        format!("{header_only}.e30.c2ln"),
        format!("{header_only}.bm90IGpzb24.c2ln"),
        format!("{}.e30.c2ln", b64(b"[1,2]")),
        "x".repeat(16 * 1024),
        format!("{}.{}", keys().a.session(json!({})), "extra"),
        // No kid.
        keys()
            .a
            .sign(&json!({"alg": "RS256", "typ": "JWT"}), &session_claims()),
    ] {
        let err = verifier.verify_session(&token).await.unwrap_err();
        assert!(
            matches!(
                err,
                AuthError::Malformed { .. }
                    | AuthError::InvalidSignature
                    | AuthError::UnknownKey { .. }
            ),
            "{token:.60}: {err:?}"
        );
        assert_eq!(err.status(), 401);
    }
    // A long token is refused before anything is parsed or fetched.
    let before = jwks_requests(&server).await;
    let long = format!("{}{}", keys().a.session(json!({})), "A".repeat(16 * 1024));
    assert!(matches!(
        verifier.verify_session(&long).await,
        Err(AuthError::Malformed { .. })
    ));
    assert_eq!(jwks_requests(&server).await, before);
}

#[tokio::test]
async fn authorized_parties_issuer_and_pending_sessions() {
    let server = instance(&[&keys().a]).await;
    let strict = verifier(&server)
        .authorized_parties(["https://app.example.com", "https://admin.example.com"])
        .issuer("https://clerk.example.com")
        .build()
        .unwrap();
    let azp = |v: Value| keys().a.session(json!({"azp": v}));
    assert!(
        strict
            .verify_session(&azp(json!("https://admin.example.com")))
            .await
            .is_ok()
    );
    assert_eq!(
        strict
            .verify_session(&azp(json!("https://evil.example.com")))
            .await
            .unwrap_err(),
        AuthError::UnauthorizedParty {
            azp: Some("https://evil.example.com".into())
        }
    );
    assert_eq!(
        strict.verify_session(&azp(Value::Null)).await.unwrap_err(),
        AuthError::UnauthorizedParty { azp: None },
        "without azp, strict when parties are set"
    );
    let other_issuer = keys().a.session(json!({"iss": "https://clerk.other.com"}));
    assert!(matches!(
        strict.verify_session(&other_issuer).await,
        Err(AuthError::WrongIssuer { .. })
    ));
    // Without parties, azp is not checked.
    let lax = verifier(&server).build().unwrap();
    assert!(
        lax.verify_session(&azp(json!("https://evil.example.com")))
            .await
            .is_ok()
    );

    let pending = keys().a.session(json!({"sts": "pending"}));
    assert_eq!(
        strict.verify_session(&pending).await.unwrap_err(),
        AuthError::PendingSession
    );
    let allowing = verifier(&server)
        .allow_pending_sessions(true)
        .build()
        .unwrap();
    assert_eq!(
        allowing.verify_session(&pending).await.unwrap().status,
        SessionStatus::Pending
    );
}

#[tokio::test]
async fn an_unknown_kid_causes_one_refetch_then_a_rejection() {
    let server = instance(&[&keys().a]).await;
    let interval = Duration::from_millis(600);
    let verifier = verifier(&server)
        .jwks_min_refetch_interval(interval)
        .build()
        .unwrap();
    verifier
        .verify_session(&keys().a.session(json!({})))
        .await
        .unwrap();
    assert_eq!(jwks_requests(&server).await, 1);
    // Right after a fetch, an unknown kid is refused without another.
    assert!(
        verifier
            .verify_session(&keys().rotated.session(json!({})))
            .await
            .is_err()
    );
    assert_eq!(jwks_requests(&server).await, 1);
    tokio::time::sleep(interval).await;
    let stranger = keys().rotated.session(json!({}));
    assert_eq!(
        verifier.verify_session(&stranger).await.unwrap_err(),
        AuthError::UnknownKey {
            kid: "ins_key_2".into()
        }
    );
    assert_eq!(
        jwks_requests(&server).await,
        2,
        "one refetch for the unknown kid"
    );
    // Within the refetch interval, no more fetches.
    for _ in 0..20 {
        assert!(verifier.verify_session(&stranger).await.is_err());
    }
    assert_eq!(jwks_requests(&server).await, 2);
    // Known keys never cause a fetch.
    for _ in 0..20 {
        verifier
            .verify_session(&keys().a.session(json!({})))
            .await
            .unwrap();
    }
    assert_eq!(jwks_requests(&server).await, 2);
}

#[tokio::test]
async fn a_key_rotation_is_picked_up_within_the_refetch_interval() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server)
        .jwks_min_refetch_interval(Duration::from_millis(200))
        .build()
        .unwrap();
    verifier
        .verify_session(&keys().a.session(json!({})))
        .await
        .unwrap();
    // Clerk rotates: the JWKS now has both keys.
    server.reset().await;
    serve_keys(&server, &[&keys().a, &keys().rotated], Duration::ZERO).await;
    let rotated = keys().rotated.session(json!({}));
    tokio::time::sleep(Duration::from_millis(250)).await;
    let session = verifier.verify_session(&rotated).await.unwrap();
    assert_eq!(session.user_id, "user_2abc");
    assert_eq!(jwks_requests(&server).await, 1, "one fetch after the reset");
}

#[tokio::test]
async fn keys_of_another_instance_never_verify_whatever_their_kid() {
    // Both instances use kid `ins_key_1`.
    let (a, b) = (instance(&[&keys().a]).await, instance(&[&keys().b]).await);
    let (va, vb) = (verifier(&a).build().unwrap(), verifier(&b).build().unwrap());
    let (ta, tb) = (keys().a.session(json!({})), keys().b.session(json!({})));
    assert!(va.verify_session(&ta).await.is_ok());
    assert!(vb.verify_session(&tb).await.is_ok());
    assert_eq!(
        va.verify_session(&tb).await.unwrap_err(),
        AuthError::InvalidSignature
    );
    assert_eq!(
        vb.verify_session(&ta).await.unwrap_err(),
        AuthError::InvalidSignature
    );
}

#[tokio::test]
async fn the_last_good_keys_keep_working_when_the_jwks_server_is_down() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server)
        .jwks_ttl(Duration::ZERO)
        .jwks_min_refetch_interval(Duration::ZERO)
        .build()
        .unwrap();
    verifier
        .verify_session(&keys().a.session(json!({})))
        .await
        .unwrap();
    server.reset().await;
    Mock::given(path("/jwks"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    // The cached key is stale (TTL 0) and every refresh fails: it still works.
    for _ in 0..3 {
        verifier
            .verify_session(&keys().a.session(json!({})))
            .await
            .unwrap();
    }
    assert!(
        jwks_requests(&server).await >= 1,
        "refreshes were attempted"
    );
    // A new kid cannot be fetched: a clean 503-class error naming why.
    let err = verifier
        .verify_session(&keys().rotated.session(json!({})))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::KeysUnavailable { .. }), "{err:?}");
    assert_eq!(err.status(), 503);
    assert!(
        err.to_string().contains("GetJWKS answered HTTP 500"),
        "{err}"
    );

    // Down from the start: no keys at all.
    let dead = MockServer::start().await;
    let err = verifier_at_dead(&dead).await;
    assert!(matches!(err, AuthError::KeysUnavailable { .. }), "{err:?}");
}

#[tokio::test]
async fn a_slow_jwks_ends_at_the_fetch_timeout() {
    let server = MockServer::start().await;
    serve_keys(&server, &[&keys().a], Duration::from_secs(30)).await;
    let verifier = verifier(&server)
        .jwks_fetch_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = verifier
        .verify_session(&keys().a.session(json!({})))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, AuthError::KeysUnavailable { .. }), "{err:?}");
    assert_eq!(err.status(), 503);
    assert!(
        err.to_string().contains("no JSON Web Key Set within 500ms"),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_secs(5),
        "ended after {took:?}"
    );
}

#[tokio::test]
async fn a_jwks_that_is_not_a_key_set_is_an_error_naming_it() {
    // (what, body, what the error says)
    let garbage: [(&str, &[u8], &str); 4] = [
        (
            "not JSON",
            b"<html>502 Bad Gateway</html>",
            "expected value at line 1",
        ),
        (
            "not a key set",
            br#"{"keys": "none"}"#,
            "at `keys`: invalid type",
        ),
        (
            "a key that is no key",
            br#"{"keys": [{"kty": "RSA", "kid": "ins_1", "n": "!!", "e": "AQAB"}]}"#,
            "no RSA signing key",
        ),
        (
            "cut short",
            br#"{"keys": [{"kty": "RSA", "ki"#,
            "EOF while parsing",
        ),
    ];
    for (what, body, says) in garbage {
        let server = MockServer::start().await;
        Mock::given(path("/jwks"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"),
            )
            .mount(&server)
            .await;
        let err = verifier(&server)
            .build()
            .unwrap()
            .verify_session(&keys().a.session(json!({})))
            .await
            .unwrap_err();
        // The token cannot be checked: unavailable keys (503), not a
        // forged token (401), and never a panic.
        assert!(
            matches!(err, AuthError::KeysUnavailable { .. }),
            "{what}: {err:?}"
        );
        assert_eq!(err.status(), 503, "{what}");
        assert!(err.to_string().contains(says), "{what}: {err}");
        assert!(!format!("{err} {err:?}").contains(SECRET), "{what}");
    }
}

async fn verifier_at_dead(server: &MockServer) -> AuthError {
    Mock::given(path("/jwks"))
        .respond_with(ResponseTemplate::new(503))
        .mount(server)
        .await;
    verifier(server)
        .build()
        .unwrap()
        .verify_session(&keys().a.session(json!({})))
        .await
        .unwrap_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_requests_with_a_new_kid_cause_one_fetch() {
    let server = MockServer::start().await;
    // A slow JWKS, so that every request arrives while the fetch runs.
    serve_keys(
        &server,
        &[&keys().a, &keys().rotated],
        Duration::from_millis(300),
    )
    .await;
    let verifier = verifier(&server).build().unwrap();
    let token = Arc::new(keys().rotated.session(json!({})));
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), token.clone());
            tokio::spawn(async move { verifier.verify_session(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(jwks_requests(&server).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_storm_of_random_kids_is_bounded_by_the_refetch_interval() {
    let server = instance(&[&keys().a]).await;
    let interval = Duration::from_millis(250);
    let verifier = verifier(&server)
        .jwks_min_refetch_interval(interval)
        .build()
        .unwrap();
    let counter = Arc::new(AtomicU64::new(0));
    let started = std::time::Instant::now();
    let storm = Duration::from_millis(1500);
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (verifier, counter) = (verifier.clone(), counter.clone());
            tokio::spawn(async move {
                while started.elapsed() < storm {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let header = json!({"alg": "RS256", "typ": "JWT", "kid": format!("kid_{n}")});
                    let token = keys().a.sign(&header, &session_claims());
                    let err = verifier.verify_session(&token).await.unwrap_err();
                    assert!(matches!(err, AuthError::UnknownKey { .. }), "{err:?}");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    let fetches = jwks_requests(&server).await as u128;
    let bound = elapsed.as_millis() / interval.as_millis() + 1;
    let tokens = counter.load(Ordering::Relaxed);
    assert!(tokens > 50, "the storm sent {tokens} tokens");
    assert!(
        fetches <= bound,
        "{fetches} JWKS requests for {tokens} random kids in {elapsed:?}; bound {bound}"
    );
}

#[tokio::test]
async fn opaque_machine_tokens_are_verified_through_the_backend_api() {
    let server = instance(&[&keys().a]).await;
    Mock::given(method("POST"))
        .and(path("/api_keys/verify"))
        .and(body_json(json!({"secret": "ak_live_1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "api_key", "id": "ak_id_1", "type": "api_key", "subject": "user_2abc",
            "name": "CI", "claims": {"team": "infra"}, "scopes": ["read"], "revoked": false,
            "revocation_reason": null, "expired": false, "expiration": 1_900_000_000_000_i64,
            "created_by": null, "created_at": 1, "updated_at": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/m2m_tokens/verify"))
        .and(body_json(json!({"token": "mt_1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "machine_to_machine_token", "id": "mt_1", "subject": "mch_a",
            "claims": null, "scopes": ["mch_b"], "revoked": false, "revocation_reason": null,
            "expired": false, "expiration": null, "created_at": 1, "updated_at": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth_applications/access_tokens/verify"))
        .and(body_json(json!({"access_token": "oat_1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "clerk_idp_oauth_access_token", "id": "oat_id", "client_id": "client_1",
            "subject": "user_2abc", "scopes": ["profile"], "revoked": false,
            "revocation_reason": null, "expired": false, "expiration": null,
            "created_at": 1, "updated_at": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api_keys/verify"))
        .and(body_json(json!({"secret": "ak_revoked"})))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "errors": [{"code": "resource_not_found", "message": "not found"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let verifier = verifier(&server).accept(Accept::ANY).build().unwrap();

    let Identity::ApiKey(key) = verifier.authenticate("ak_live_1").await.unwrap() else {
        panic!("an API key")
    };
    assert_eq!(
        (key.id.as_str(), key.subject.as_str()),
        ("ak_id_1", "user_2abc")
    );
    assert_eq!(key.scopes, ["read"]);
    assert_eq!(key.expires_at, Some(1_900_000_000));
    assert_eq!(key.claims, Some(json!({"team": "infra"})));
    let Identity::M2m(m2m) = verifier.authenticate("mt_1").await.unwrap() else {
        panic!("an M2M token")
    };
    assert_eq!(
        (m2m.subject.as_str(), m2m.scopes.as_slice()),
        ("mch_a", &["mch_b".to_string()][..])
    );
    let Identity::OAuth(oauth) = verifier.authenticate("oat_1").await.unwrap() else {
        panic!("an OAuth token")
    };
    assert_eq!(oauth.client_id.as_deref(), Some("client_1"));
    assert_eq!(
        verifier.authenticate("ak_revoked").await.unwrap_err(),
        AuthError::MachineTokenRejected {
            kind: TokenKind::ApiKey,
            status: Some(404),
            code: Some("resource_not_found".into())
        }
    );
    // Sessions pass through the same call.
    let identity = verifier
        .authenticate(&keys().a.session(json!({})))
        .await
        .unwrap();
    assert_eq!(identity.kind(), TokenKind::Session);
    assert_eq!(identity.subject(), "user_2abc");
}

#[tokio::test]
async fn kinds_not_accepted_are_refused_without_asking_the_backend_api() {
    let server = instance(&[&keys().a]).await;
    let sessions_only = verifier(&server).build().unwrap();
    for (token, kind) in [
        ("ak_1", TokenKind::ApiKey),
        ("mt_1", TokenKind::M2m),
        ("oat_1", TokenKind::OAuth),
    ] {
        assert_eq!(
            sessions_only.authenticate(token).await.unwrap_err(),
            AuthError::KindNotAccepted { kind }
        );
    }
    let machines_only = verifier(&server).accept(Accept::MACHINE).build().unwrap();
    assert_eq!(
        machines_only
            .authenticate(&keys().a.session(json!({})))
            .await
            .unwrap_err(),
        AuthError::KindNotAccepted {
            kind: TokenKind::Session
        }
    );
    let asked = server.received_requests().await.unwrap();
    assert!(asked.iter().all(|r| r.url.path() == "/jwks"), "{asked:?}");
}

#[tokio::test]
async fn m2m_and_oauth_jwts_are_verified_locally() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server).accept(Accept::ANY).build().unwrap();
    let now = now();
    let m2m_claims = json!({
        "sub": "mch_2abc", "aud": ["mch_other"], "jti": "mt_2xyz", "exp": now + 60,
        "iat": now - 1, "nbf": now - 1, "team": "infra"
    });
    let m2m_header =
        json!({"alg": "RS256", "typ": "JWT", "kid": "ins_key_1", "cat": "cl_B7d4PD333AAA"});
    let Identity::M2m(token) = verifier
        .authenticate(&keys().a.sign(&m2m_header, &m2m_claims))
        .await
        .unwrap()
    else {
        panic!("an M2M token")
    };
    assert_eq!(
        (token.id.as_str(), token.subject.as_str()),
        ("mt_2xyz", "mch_2abc")
    );
    assert_eq!(token.scopes, ["mch_other"]);
    assert_eq!(token.claims, Some(json!({"team": "infra"})));
    // An M2M JWT is never a session, and a session-category token is never M2M.
    assert!(matches!(
        verifier
            .verify_session(
                &keys()
                    .a
                    .sign(&m2m_header, &merge(session_claims(), json!({})))
            )
            .await,
        Err(AuthError::InvalidClaim { claim: "cat", .. })
    ));
    let session_cat =
        json!({"alg": "RS256", "typ": "JWT", "kid": "ins_key_1", "cat": "cl_B7d4PD111AAA"});
    assert!(matches!(
        verifier
            .authenticate(&keys().a.sign(&session_cat, &m2m_claims))
            .await,
        Err(AuthError::InvalidClaim { claim: "cat", .. })
    ));

    let oauth_header = json!({"alg": "RS256", "typ": "at+jwt", "kid": "ins_key_1"});
    let oauth_claims = json!({
        "sub": "user_2abc", "client_id": "client_1", "jti": "oat_jwt", "scope": "profile email",
        "exp": now + 60, "iat": now - 1
    });
    let Identity::OAuth(oauth) = verifier
        .authenticate(&keys().a.sign(&oauth_header, &oauth_claims))
        .await
        .unwrap()
    else {
        panic!("an OAuth token")
    };
    assert_eq!(oauth.scopes, ["profile", "email"]);
    // Expired machine JWTs are refused like sessions.
    let expired = merge(
        m2m_claims,
        json!({"exp": now - 60, "iat": now - 120, "nbf": now - 120}),
    );
    assert!(matches!(
        verifier
            .authenticate(&keys().a.sign(&m2m_header, &expired))
            .await,
        Err(AuthError::Expired { .. })
    ));
    let asked = server.received_requests().await.unwrap();
    assert!(
        asked.iter().all(|r| r.url.path() == "/jwks"),
        "no verify call: {asked:?}"
    );
}

#[tokio::test]
async fn configuration_errors_say_what_is_missing() {
    assert_eq!(
        Verifier::builder().build().unwrap_err(),
        VerifierConfigError::NoKeySource
    );
    let pem_only = Verifier::builder()
        .jwt_key(keys().a.pem())
        .accept(Accept::ANY)
        .build();
    assert_eq!(
        pem_only.unwrap_err(),
        VerifierConfigError::MachineTokensNeedBackend {
            kind: TokenKind::ApiKey
        }
    );
    let err = Verifier::builder()
        .jwt_key(keys().a.pem())
        .authorized_parties([" "])
        .build()
        .unwrap_err();
    assert_eq!(err, VerifierConfigError::EmptyAuthorizedParty);
}

#[tokio::test]
async fn the_secret_key_and_tokens_never_show() {
    let server = instance(&[&keys().a]).await;
    let verifier = verifier(&server).accept(Accept::ANY).build().unwrap();
    let token = keys().a.session(json!({"sts": "pending"}));
    let err = verifier.verify_session(&token).await.unwrap_err();
    let shown = format!("{verifier:?} {err:?} {err}");
    assert!(!shown.contains("auth_secret_never_shown"), "{shown}");
    assert!(!shown.contains(&token[..40]), "{shown}");
    // A verify call that fails at the network carries no key either.
    let dead = clerk::Client::builder()
        .secret_key(SECRET)
        .base_url("http://127.0.0.1:9")
        .retry_policy(clerk_api::RetryPolicy::none())
        .build()
        .unwrap();
    let offline = Verifier::builder()
        .backend(&dead)
        .accept(Accept::ANY)
        .build()
        .unwrap();
    let err = offline.authenticate("ak_secret_value").await.unwrap_err();
    assert!(
        matches!(err, AuthError::BackendUnavailable { .. }),
        "{err:?}"
    );
    let shown = format!("{err:?} {err}");
    assert!(
        !shown.contains("auth_secret_never_shown") && !shown.contains("ak_secret_value"),
        "{shown}"
    );
}

#[cfg(feature = "v2025-03-12")]
#[test]
fn an_api_version_without_a_verification_cannot_accept_its_tokens() {
    // 2025-03-12 (a partial spec) has no API key verification.
    let old = clerk_api::v2025_03_12::Client::builder()
        .secret_key(SECRET)
        .build()
        .unwrap();
    let err = Verifier::builder()
        .backend(&old)
        .accept(Accept::only(&[TokenKind::Session, TokenKind::ApiKey]))
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        VerifierConfigError::BackendCannotVerify {
            kind: TokenKind::ApiKey,
            version: "2025-03-12"
        }
    );
    assert!(err.to_string().contains("2025-03-12"), "{err}");
}
