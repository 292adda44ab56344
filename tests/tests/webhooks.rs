//! Receiving webhooks: Svix's published test vector and every way of
//! breaking it, the tolerance at both edges, rotation, hostile headers; and
//! every example of Clerk's webhooks document decoded into its own typed
//! variant, re-encoded without losing a declared field.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clerk_api::events::v2025_04_15::{EVENT_TYPES, Event};
use clerk_api::events::{EventError, Verifier};
use codegen::model::{Api, TypeKind, TypeRef};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use tests::webhook::{
    SVIX_BODY, SVIX_ID, SVIX_SECRET, SVIX_SIGNATURE, SVIX_TIMESTAMP, headers as signed_headers,
};

fn at(seconds: i64) -> impl Fn() -> SystemTime + Send + Sync + 'static {
    move || UNIX_EPOCH + Duration::from_secs(seconds as u64)
}

fn map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    headers
}

fn vector_headers() -> HeaderMap {
    map(&[
        ("svix-id", SVIX_ID),
        ("svix-timestamp", &SVIX_TIMESTAMP.to_string()),
        ("svix-signature", SVIX_SIGNATURE),
    ])
}

fn verifier() -> Verifier {
    Verifier::new(SVIX_SECRET)
        .unwrap()
        .clock(at(SVIX_TIMESTAMP))
}

#[test]
fn the_published_svix_test_vector_verifies() {
    let signed = verifier()
        .verify(&vector_headers(), SVIX_BODY.as_bytes())
        .unwrap();
    assert_eq!(
        (signed.id.as_str(), signed.timestamp),
        (SVIX_ID, SVIX_TIMESTAMP)
    );
    // The secret without its prefix, and the unbranded header names.
    let bare = Verifier::new(SVIX_SECRET.trim_start_matches("whsec_"))
        .unwrap()
        .clock(at(SVIX_TIMESTAMP));
    let unbranded = map(&[
        ("webhook-id", SVIX_ID),
        ("webhook-timestamp", &SVIX_TIMESTAMP.to_string()),
        ("webhook-signature", SVIX_SIGNATURE),
    ]);
    assert!(bare.verify(&unbranded, SVIX_BODY.as_bytes()).is_ok());
    // Our signer agrees with Svix's vector (so the other tests' deliveries
    // are signed as Svix signs them).
    assert_eq!(
        tests::webhook::sign(SVIX_SECRET, SVIX_ID, SVIX_TIMESTAMP, SVIX_BODY.as_bytes()),
        SVIX_SIGNATURE
    );
}

#[test]
fn flipping_one_byte_anywhere_fails_with_the_right_error() {
    let v = verifier();
    let mut body = SVIX_BODY.as_bytes().to_vec();
    body[3] ^= 1;
    assert_eq!(
        v.verify(&vector_headers(), &body).unwrap_err(),
        EventError::NoMatchingSignature
    );

    let ts = SVIX_TIMESTAMP.to_string();
    let flipped_id = SVIX_ID.replace('p', "q");
    let with = |id: &str, ts: &str, sig: &str| {
        map(&[
            ("svix-id", id),
            ("svix-timestamp", ts),
            ("svix-signature", sig),
        ])
    };
    assert_eq!(
        v.verify(
            &with(&flipped_id, &ts, SVIX_SIGNATURE),
            SVIX_BODY.as_bytes()
        )
        .unwrap_err(),
        EventError::NoMatchingSignature
    );
    // One second off: still within the tolerance, but signed differently.
    let later = (SVIX_TIMESTAMP + 1).to_string();
    assert_eq!(
        v.verify(&with(SVIX_ID, &later, SVIX_SIGNATURE), SVIX_BODY.as_bytes())
            .unwrap_err(),
        EventError::NoMatchingSignature
    );
    let flipped_signature = SVIX_SIGNATURE.replace("g0hM", "g0hN");
    assert_eq!(
        v.verify(
            &with(SVIX_ID, &ts, &flipped_signature),
            SVIX_BODY.as_bytes()
        )
        .unwrap_err(),
        EventError::NoMatchingSignature
    );
    // Re-serialised JSON is another body: `{"test":2432232314}` is not signed.
    let compact = serde_json::to_vec(&serde_json::from_str::<Value>(SVIX_BODY).unwrap()).unwrap();
    assert_ne!(compact, SVIX_BODY.as_bytes());
    assert_eq!(
        v.verify(&vector_headers(), &compact).unwrap_err(),
        EventError::NoMatchingSignature
    );
}

#[test]
fn several_signatures_pass_if_one_matches() {
    let v = verifier();
    let ts = SVIX_TIMESTAMP.to_string();
    let forged = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    for header in [
        format!("{forged} {SVIX_SIGNATURE}"),
        format!("{SVIX_SIGNATURE} {forged}"),
        format!("v1a,xyz {SVIX_SIGNATURE}"),
        format!("v1,not-base64!! {SVIX_SIGNATURE}"),
    ] {
        let headers = map(&[
            ("svix-id", SVIX_ID),
            ("svix-timestamp", &ts),
            ("svix-signature", &header),
        ]);
        assert!(v.verify(&headers, SVIX_BODY.as_bytes()).is_ok(), "{header}");
    }
    // Only a `v1,` signature counts.
    let v2 = SVIX_SIGNATURE.replace("v1,", "v2,");
    let headers = map(&[
        ("svix-id", SVIX_ID),
        ("svix-timestamp", &ts),
        ("svix-signature", &v2),
    ]);
    assert_eq!(
        v.verify(&headers, SVIX_BODY.as_bytes()).unwrap_err(),
        EventError::NoMatchingSignature
    );
    // The receiver's own rotation: two secrets, the old one still accepted.
    let other = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=";
    let rotating = Verifier::with_secrets([other, SVIX_SECRET])
        .unwrap()
        .clock(at(SVIX_TIMESTAMP));
    assert!(
        rotating
            .verify(&vector_headers(), SVIX_BODY.as_bytes())
            .is_ok()
    );
    let wrong = Verifier::new(other).unwrap().clock(at(SVIX_TIMESTAMP));
    assert_eq!(
        wrong
            .verify(&vector_headers(), SVIX_BODY.as_bytes())
            .unwrap_err(),
        EventError::NoMatchingSignature
    );
}

#[test]
fn the_tolerance_holds_at_both_edges() {
    let check = |now: i64, tolerance: Option<Duration>| {
        let mut v = Verifier::new(SVIX_SECRET).unwrap().clock(at(now));
        if let Some(t) = tolerance {
            v = v.tolerance(t);
        }
        v.verify(&vector_headers(), SVIX_BODY.as_bytes())
    };
    let t = SVIX_TIMESTAMP;
    assert!(check(t + 300, None).is_ok());
    assert_eq!(
        check(t + 301, None).unwrap_err(),
        EventError::TooOld {
            timestamp: t,
            now: t + 301
        }
    );
    assert!(check(t - 300, None).is_ok());
    assert_eq!(
        check(t - 301, None).unwrap_err(),
        EventError::TooNew {
            timestamp: t,
            now: t - 301
        }
    );
    let minute = Some(Duration::from_secs(60));
    assert!(check(t + 60, minute).is_ok());
    assert!(matches!(
        check(t + 61, minute),
        Err(EventError::TooOld { .. })
    ));
    // The signature is checked first: a stale forgery is a forgery.
    let mut body = SVIX_BODY.as_bytes().to_vec();
    body[0] = b' ';
    let stale = Verifier::new(SVIX_SECRET).unwrap().clock(at(t + 10_000));
    assert_eq!(
        stale.verify(&vector_headers(), &body).unwrap_err(),
        EventError::NoMatchingSignature
    );
}

#[test]
fn missing_duplicated_and_malformed_headers() {
    let v = verifier();
    let ts = SVIX_TIMESTAMP.to_string();
    let all = [
        ("svix-id", SVIX_ID),
        ("svix-timestamp", ts.as_str()),
        ("svix-signature", SVIX_SIGNATURE),
    ];
    for missing in ["svix-id", "svix-timestamp", "svix-signature"] {
        let rest: Vec<(&str, &str)> = all.iter().copied().filter(|(n, _)| *n != missing).collect();
        let err = v.verify(&map(&rest), SVIX_BODY.as_bytes()).unwrap_err();
        assert_eq!(err, EventError::MissingHeader { name: missing });
        assert_eq!(err.status(), 400);
    }
    for duplicated in ["svix-id", "svix-timestamp", "svix-signature"] {
        let mut pairs = all.to_vec();
        pairs.push(*all.iter().find(|(n, _)| *n == duplicated).unwrap());
        let err = v.verify(&map(&pairs), SVIX_BODY.as_bytes()).unwrap_err();
        assert_eq!(err, EventError::DuplicateHeader { name: duplicated });
    }
    for bad in [
        "soon",
        "-1614265330",
        "1614265330.5",
        " ",
        "99999999999999999999999",
    ] {
        let headers = map(&[
            ("svix-id", SVIX_ID),
            ("svix-timestamp", bad),
            ("svix-signature", SVIX_SIGNATURE),
        ]);
        assert_eq!(
            v.verify(&headers, SVIX_BODY.as_bytes()).unwrap_err(),
            EventError::MalformedTimestamp,
            "{bad:?}"
        );
    }
    let mut non_ascii = vector_headers();
    non_ascii.insert("svix-id", HeaderValue::from_bytes(b"msg_\xff").unwrap());
    assert_eq!(
        v.verify(&non_ascii, SVIX_BODY.as_bytes()).unwrap_err(),
        EventError::MalformedHeader { name: "svix-id" }
    );
    let small = verifier().max_body(8);
    assert_eq!(
        small
            .verify(&vector_headers(), SVIX_BODY.as_bytes())
            .unwrap_err(),
        EventError::BodyTooLarge { limit: 8 }
    );
}

#[test]
fn a_malformed_secret_is_refused_and_no_secret_is_ever_shown() {
    for bad in ["whsec_!!!not base64", "whsec_", "", "   "] {
        let err = Verifier::new(bad).unwrap_err();
        assert!(
            matches!(err, EventError::MalformedSecret { .. }),
            "{bad:?}: {err:?}"
        );
        assert_eq!(err.status(), 500);
    }
    assert_eq!(
        Verifier::with_secrets([]).unwrap_err(),
        EventError::NoSecret
    );
    let secret_part = SVIX_SECRET.trim_start_matches("whsec_");
    let v = verifier();
    let mut shown = format!("{v:?}");
    for headers in [vector_headers(), map(&[])] {
        if let Err(e) = v.verify(&headers, b"{}") {
            shown.push_str(&format!("{e} {e:?}"));
        }
    }
    assert!(
        !shown.contains(secret_part) && !shown.contains("MfKQ9r8G"),
        "{shown}"
    );
    assert!(shown.contains("(redacted)"), "{shown}");
}

/// The webhooks document as pinned, and its model as generation makes it
/// (overlays applied).
fn document() -> (Value, Api) {
    use xtask::lock::Kind;
    let (pin, text) = tests::pinned_spec_of(Kind::Webhooks, "2025-04-15");
    let overlays =
        xtask::generate::overlays_for(&tests::workspace_root(), Kind::Webhooks, "2025-04-15")
            .unwrap();
    let generated = xtask::generate::generate_events_version(
        "webhooks.yml",
        &pin.sha256,
        &text,
        &overlays,
        "2025-04-15",
    )
    .unwrap();
    (
        codegen::load::parse("webhooks.yml", &text).unwrap(),
        generated.api,
    )
}

/// Fields of `original` that the schema declares and `encoded` lacks or
/// holds otherwise, walking both with the model's type. `null` and absent
/// are the same.
fn lost(
    original: &Value,
    encoded: &Value,
    ty: &TypeRef,
    api: &Api,
    at: &str,
    out: &mut Vec<String>,
) {
    let same_scalar = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    };
    match ty {
        TypeRef::Named(name) => match &api.types[name].kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    let Some(value) = original.get(&f.name).filter(|v| !v.is_null()) else {
                        continue;
                    };
                    let here = format!("{at}.{}", f.name);
                    match encoded.get(&f.name) {
                        Some(back) => lost(value, back, &f.ty, api, &here, out),
                        None => out.push(here),
                    }
                }
            }
            TypeKind::Alias(target) => lost(original, encoded, target, api, at, out),
            TypeKind::Enum(_) => {
                if original != encoded {
                    out.push(format!("{at} (value)"));
                }
            }
            TypeKind::OneOf(one_of) => {
                // Every key some variant declares survives.
                for variant in &one_of.variants {
                    if let TypeRef::Named(n) = &variant.ty
                        && let TypeKind::Struct(s) = &api.types[n].kind
                    {
                        for f in &s.fields {
                            let present = original.get(&f.name).is_some_and(|v| !v.is_null());
                            if present && encoded.get(&f.name).is_none() {
                                out.push(format!("{at}.{}", f.name));
                            }
                        }
                    }
                }
            }
        },
        TypeRef::Array(inner) => match (original.as_array(), encoded.as_array()) {
            (Some(a), Some(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    lost(x, y, inner, api, &format!("{at}[{i}]"), out);
                }
            }
            _ => out.push(format!("{at} (array)")),
        },
        TypeRef::Map(inner) => {
            for (key, value) in original.as_object().into_iter().flatten() {
                match encoded.get(key) {
                    Some(back) => lost(value, back, inner, api, &format!("{at}.{key}"), out),
                    None => out.push(format!("{at}.{key}")),
                }
            }
        }
        _ => {
            if !same_scalar(original, encoded) {
                out.push(format!("{at} (value)"));
            }
        }
    }
}

#[test]
fn every_example_decodes_into_its_own_variant_and_loses_no_declared_field() {
    let (document, api) = document();
    let examples = tests::webhook::examples(&document);
    assert_eq!(examples.len(), 45);
    assert_eq!(EVENT_TYPES.len(), 45);
    let mut failures = Vec::new();
    for (name, example) in &examples {
        let event: Event = match serde_json::from_value(example.clone()) {
            Ok(event) => event,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        assert_eq!(event.event_type(), name);
        assert!(
            !matches!(event, Event::Unknown(_)),
            "{name} decoded as Unknown"
        );
        let spec_event = api.events.iter().find(|e| &e.name == name).unwrap();
        let encoded = serde_json::to_value(&event).unwrap();
        let mut missing = Vec::new();
        lost(
            example,
            &encoded,
            &spec_event.payload,
            &api,
            "",
            &mut missing,
        );
        assert!(missing.is_empty(), "{name}: re-encoding lost {missing:?}");
        // The check sees a loss: drop the envelope's `timestamp`.
        let mut damaged = encoded.clone();
        damaged.as_object_mut().unwrap().remove("timestamp");
        let mut seen = Vec::new();
        lost(example, &damaged, &spec_event.payload, &api, "", &mut seen);
        assert_eq!(seen, [".timestamp"], "{name}");
        // An extra field, anywhere, changes nothing.
        let mut extra = example.clone();
        extra["added_later"] = json!(1);
        extra["data"]["added_later"] = json!({"x": [1]});
        let again: Event = serde_json::from_value(extra).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again, event, "{name}");
    }
    assert!(
        failures.is_empty(),
        "{} examples do not decode:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn an_unknown_event_type_keeps_its_type_and_json() {
    let delivery = json!({
        "object": "event", "type": "user.teleported", "timestamp": 1716883200,
        "instance_id": "ins_123", "data": {"id": "user_1", "to": "Mars"}
    });
    let event: Event = serde_json::from_value(delivery.clone()).unwrap();
    let Event::Unknown(unknown) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(unknown.event_type(), "user.teleported");
    assert_eq!(unknown.json(), &delivery);
    assert_eq!(serde_json::to_value(&event).unwrap(), delivery);
    // No `type` at all is an error, not an unknown event.
    let err = serde_json::from_value::<Event>(json!({"data": {}})).unwrap_err();
    assert!(err.to_string().contains("needs a string `type`"), "{err}");
    let err = serde_json::from_str::<Event>("[1, 2]").unwrap_err();
    assert!(err.to_string().contains("a JSON object"), "{err}");
    // Decoded from text and from a `Value` alike.
    let text = delivery.to_string();
    assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), event);
}

#[test]
fn a_signed_delivery_decodes_or_names_the_path_that_does_not() {
    let (document, _) = document();
    let (_, example) = tests::webhook::examples(&document)
        .into_iter()
        .find(|(name, _)| name == "user.created")
        .unwrap();
    let now = 1_716_883_200;
    let body = serde_json::to_vec(&example).unwrap();
    let headers = map(&signed_headers(SVIX_SECRET, "msg_1", now, &body)
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .collect::<Vec<_>>());
    let v = Verifier::new(SVIX_SECRET).unwrap().clock(at(now));
    let delivery = v.verify_event::<Event>(&headers, &body).unwrap();
    assert_eq!((delivery.id.as_str(), delivery.timestamp), ("msg_1", now));
    let Event::UserCreated(created) = delivery.event else {
        panic!("user.created")
    };
    assert_eq!(created.data.id, example["data"]["id"].as_str().unwrap());

    let mut broken = example.clone();
    broken["data"]["email_addresses"] = json!("not a list");
    let body = serde_json::to_vec(&broken).unwrap();
    let headers = map(&signed_headers(SVIX_SECRET, "msg_2", now, &body)
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .collect::<Vec<_>>());
    let err = v.verify_event::<Event>(&headers, &body).unwrap_err();
    assert!(
        matches!(&err, EventError::Decode { message, .. } if message.contains("data.email_addresses")),
        "{err:?}"
    );
    assert_eq!(err.status(), 400);
}
