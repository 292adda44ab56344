//! Every diff rule on a small pair of hand-written specs: a base spec, and
//! the same spec with one change. Each case checks that the rule fires,
//! where, and with the rule's severity; the last test checks that every
//! rule has a case.

use std::collections::BTreeSet;

use codegen::diff::{RULES, Report, Severity, diff};
use serde_json::{Value, json};

/// A spec with two operations on things and a few component schemas.
fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Things", "version": "2025-01-01"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "GetThing", "tags": ["Things"],
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "404": {"description": "missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                    }
                }
            },
            "/things": {
                "post": {
                    "operationId": "CreateThing", "tags": ["Things"],
                    "requestBody": {"required": false, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["name"],
                        "properties": {
                            "name": {"type": "string"},
                            "note": {"type": "string"},
                            "meta": {"type": "string", "nullable": true},
                            "kind": {"type": "string", "enum": ["a", "b"]},
                            "pet": {"$ref": "#/components/schemas/Pet"}
                        }
                    }}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
                }
            }
        },
        "components": {"schemas": {
            "Thing": {
                "type": "object", "required": ["id", "name", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "size": {"type": "integer"},
                    "nick": {"type": "string", "nullable": true},
                    "status": {"type": "string", "enum": ["active", "gone"]},
                    "pet": {"$ref": "#/components/schemas/Pet"}
                }
            },
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Bird"}],
                "discriminator": {"propertyName": "type", "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog", "bird": "#/components/schemas/Bird"}}
            },
            "Cat": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}, "meow": {"type": "boolean"}}},
            "Dog": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}, "bark": {"type": "boolean"}}},
            "Bird": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}, "sing": {"type": "boolean"}}},
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}}
        }}
    })
}

fn model(spec: &Value) -> codegen::model::Api {
    let text = serde_json::to_string(spec).unwrap();
    let spec = codegen::load::load("case.json", &text).unwrap();
    codegen::lower::lower(&spec).unwrap()
}

fn report(old: impl FnOnce(&mut Value), new: impl FnOnce(&mut Value)) -> Report {
    let (mut a, mut b) = (base(), base());
    old(&mut a);
    new(&mut b);
    diff(&model(&a), &model(&b))
}

/// Asserts that `rule` fired at `place` (subject › location, or a part of
/// it) with the rule's severity; returns the rule id.
fn fires(report: &Report, rule: &str, place: &str) -> String {
    let severity = RULES.iter().find(|r| r.id == rule).unwrap().severity;
    let found = report.changes.iter().any(|c| {
        let at = format!("{} › {}", c.subject, c.location);
        c.rule == rule && c.severity == severity && at.contains(place)
    });
    let all: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{} {} › {}: {}", c.rule, c.subject, c.location, c.detail))
        .collect();
    assert!(found, "{rule} at {place:?} not in:\n{}", all.join("\n"));
    rule.to_string()
}

fn get_thing(spec: &mut Value) -> &mut Value {
    &mut spec["paths"]["/things/{id}"]["get"]
}

fn create_body(spec: &mut Value) -> &mut Value {
    &mut spec["paths"]["/things"]["post"]["requestBody"]
}

fn body_schema(spec: &mut Value) -> &mut Value {
    &mut create_body(spec)["content"]["application/json"]["schema"]
}

fn thing(spec: &mut Value) -> &mut Value {
    &mut spec["components"]["schemas"]["Thing"]
}

fn same(_: &mut Value) {}

/// A webhooks document with two events sharing an envelope.
fn events_base() -> Value {
    let event = |data: &str| {
        json!({"post": {
            "operationId": "x", "description": "an event",
            "requestBody": {"content": {"application/json": {"schema": {
                "allOf": [{"$ref": "#/components/schemas/Envelope"},
                          {"properties": {"data": {"$ref": format!("#/components/schemas/{data}")}}}],
                "required": ["data"]
            }}}}
        }})
    };
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Events", "version": "v1"},
        "x-webhooks": {"thing.created": event("Thing"), "thing.deleted": event("Gone")},
        "components": {"schemas": {
            "Envelope": {"type": "object", "required": ["type", "timestamp"],
                "properties": {"type": {"type": "string"}, "timestamp": {"type": "integer"}}},
            "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "size": {"type": "integer"}}},
            "Gone": {"type": "object", "properties": {"id": {"type": "string"}}}
        }}
    })
}

fn events_report(old: impl FnOnce(&mut Value), new: impl FnOnce(&mut Value)) -> Report {
    let (mut a, mut b) = (events_base(), events_base());
    old(&mut a);
    new(&mut b);
    diff(&model(&a), &model(&b))
}

/// Every case; returns the rules it exercised.
fn cases() -> BTreeSet<String> {
    let mut covered = BTreeSet::new();
    let mut check = |report: Report, expectations: &[(&str, &str)]| {
        for (rule, place) in expectations {
            covered.insert(fires(&report, rule, place));
        }
    };

    // Webhook events.
    check(
        events_report(same, |s| {
            let copy = s["x-webhooks"]["thing.created"].clone();
            s["x-webhooks"]["thing.updated"] = copy;
        }),
        &[
            ("event-added", "event thing.updated"),
            ("rust-variant-added", "Event::ThingUpdated"),
        ],
    );
    check(
        events_report(same, |s| {
            s["x-webhooks"]
                .as_object_mut()
                .unwrap()
                .remove("thing.deleted");
        }),
        &[
            ("event-removed", "event thing.deleted"),
            ("rust-variant-removed", "Event::ThingDeleted"),
        ],
    );
    check(
        events_report(same, |s| {
            s["x-webhooks"]["thing.deleted"]["post"]["deprecated"] = json!(true)
        }),
        &[("event-deprecated", "event thing.deleted")],
    );
    check(
        events_report(same, |s| {
            let data = &mut s["x-webhooks"]["thing.deleted"]["post"]["requestBody"]["content"]["application/json"]
                ["schema"]["allOf"][1]["properties"]["data"];
            *data = json!({"$ref": "#/components/schemas/Thing"});
        }),
        // Compared by structure: `Gone` → `Thing` is a field that became
        // required and a new one.
        &[
            (
                "response-property-became-required",
                "event thing.deleted › data.id",
            ),
            ("response-property-added", "event thing.deleted › data.size"),
        ],
    );
    check(
        events_report(same, |s| {
            s["components"]["schemas"]["Thing"]["properties"]
                .as_object_mut()
                .unwrap()
                .remove("size");
        }),
        &[("response-property-removed", "schema Thing › size")],
    );

    // Operations.
    check(
        report(same, |s| {
            s["paths"]["/things/{id}"]["delete"] = json!({"operationId": "DeleteThing", "tags": ["Things"], "responses": {"204": {"description": "gone"}}});
        }),
        &[("operation-added", "DELETE /things/{id} (DeleteThing)")],
    );
    check(
        report(same, |s| {
            s["paths"].as_object_mut().unwrap().remove("/things/{id}");
        }),
        &[
            ("operation-removed", "GET /things/{id} (GetThing)"),
            ("rust-method-removed", "client.things().get"),
        ],
    );
    check(
        report(
            |s| get_thing(s)["deprecated"] = json!(true),
            |s| {
                s["paths"].as_object_mut().unwrap().remove("/things/{id}");
            },
        ),
        &[(
            "deprecated-operation-removed",
            "GET /things/{id} (GetThing)",
        )],
    );
    check(
        report(same, |s| {
            let op = s["paths"]
                .as_object_mut()
                .unwrap()
                .remove("/things/{id}")
                .unwrap();
            s["paths"]["/items/{id}"] = op;
        }),
        &[("operation-moved", "GET /items/{id} (GetThing)")],
    );
    check(
        report(same, |s| get_thing(s)["deprecated"] = json!(true)),
        &[("operation-deprecated", "GetThing")],
    );

    // Parameters.
    check(
        report(same, |s| {
            get_thing(s)["parameters"].as_array_mut().unwrap().push(
                json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}),
            )
        }),
        &[
            ("param-added-required", "GetThing) › query parameter q"),
            ("rust-method-signature-changed", "client.things().get"),
        ],
    );
    check(
        report(same, |s| {
            get_thing(s)["parameters"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "q", "in": "query", "schema": {"type": "string"}}))
        }),
        &[("param-added-optional", "query parameter q")],
    );
    check(
        report(same, |s| {
            get_thing(s)["parameters"].as_array_mut().unwrap().pop();
        }),
        &[("param-removed", "query parameter limit")],
    );
    check(
        report(same, |s| {
            get_thing(s)["parameters"][1]["required"] = json!(true)
        }),
        &[("param-became-required", "query parameter limit")],
    );
    check(
        report(
            |s| get_thing(s)["parameters"][1]["required"] = json!(true),
            same,
        ),
        &[("param-became-optional", "query parameter limit")],
    );
    check(
        report(same, |s| {
            get_thing(s)["parameters"][1]["schema"] = json!({"type": "string"})
        }),
        &[("param-type-changed", "query parameter limit")],
    );

    // Request bodies.
    check(
        report(
            |s| {
                s["paths"]["/things"]["post"]
                    .as_object_mut()
                    .unwrap()
                    .remove("requestBody");
            },
            |s| create_body(s)["required"] = json!(true),
        ),
        &[("request-body-added", "CreateThing) › request body")],
    );
    check(
        report(same, |s| {
            s["paths"]["/things"]["post"]
                .as_object_mut()
                .unwrap()
                .remove("requestBody");
        }),
        &[("request-body-removed", "request body")],
    );
    check(
        report(same, |s| create_body(s)["required"] = json!(true)),
        &[("request-body-became-required", "request body")],
    );
    check(
        report(same, |s| {
            let schema = body_schema(s);
            schema["properties"]["code"] = json!({"type": "string"});
            schema["required"] = json!(["name", "code"]);
        }),
        &[("request-property-added-required", "request body.code")],
    );
    check(
        report(same, |s| {
            body_schema(s)["properties"]["code"] = json!({"type": "string"})
        }),
        &[("request-property-added-optional", "request body.code")],
    );
    check(
        report(same, |s| {
            body_schema(s)["properties"]
                .as_object_mut()
                .unwrap()
                .remove("note");
        }),
        &[
            ("request-property-removed", "request body.note"),
            ("rust-field-removed", "types::CreateThingBody › note"),
        ],
    );
    check(
        report(
            |s| {
                body_schema(s)["properties"]["public_metadata"] =
                    json!({"type": "object", "additionalProperties": true})
            },
            same,
        ),
        &[(
            "rust-field-removed",
            "types::CreateThingBody › public_metadata",
        )],
    );
    check(
        report(same, |s| {
            body_schema(s)["required"] = json!(["name", "note"])
        }),
        &[("request-property-became-required", "request body.note")],
    );
    check(
        report(same, |s| body_schema(s)["required"] = json!([])),
        &[("request-property-became-optional", "request body.name")],
    );
    check(
        report(same, |s| {
            body_schema(s)["properties"]["meta"] = json!({"type": "string"})
        }),
        &[("request-property-became-non-nullable", "request body.meta")],
    );
    check(
        report(same, |s| {
            body_schema(s)["properties"]["note"] = json!({"type": "integer"})
        }),
        &[("request-type-changed", "request body.note")],
    );
    check(
        report(same, |s| {
            body_schema(s)["properties"]["kind"]["enum"] = json!(["a"])
        }),
        &[("request-enum-value-removed", "request body.kind")],
    );
    check(
        report(same, |s| {
            body_schema(s)["properties"]["kind"]["enum"] = json!(["a", "b", "c"])
        }),
        &[("request-enum-value-added", "request body.kind")],
    );

    // Responses.
    check(
        report(same, |s| {
            get_thing(s)["responses"]["409"] = json!({"description": "conflict"})
        }),
        &[("response-status-added", "response 409")],
    );
    check(
        report(same, |s| {
            let responses = get_thing(s)["responses"].as_object_mut().unwrap();
            let ok = responses.remove("200").unwrap();
            responses.insert("201".into(), ok);
        }),
        &[(
            "response-success-status-removed",
            "GetThing) › response 200",
        )],
    );
    check(
        report(same, |s| {
            get_thing(s)["responses"]
                .as_object_mut()
                .unwrap()
                .remove("404");
        }),
        &[("response-error-status-removed", "response 404")],
    );
    check(
        report(same, |s| {
            get_thing(s)["responses"]["200"] = json!({"description": "ok"})
        }),
        &[("response-body-removed", "GetThing) › response 200")],
    );

    // Component schemas, compared once whatever uses them.
    check(
        report(same, |s| {
            thing(s)["properties"]
                .as_object_mut()
                .unwrap()
                .remove("size");
        }),
        &[
            ("response-property-removed", "schema Thing › size"),
            ("rust-field-removed", "types::Thing › size"),
        ],
    );
    check(
        report(same, |s| {
            thing(s)["properties"]["color"] = json!({"type": "string"})
        }),
        &[("response-property-added", "schema Thing › color")],
    );
    check(
        report(same, |s| thing(s)["required"] = json!(["id", "status"])),
        &[
            ("response-property-became-optional", "schema Thing › name"),
            ("rust-field-type-changed", "types::Thing › name"),
        ],
    );
    check(
        report(same, |s| {
            thing(s)["required"] = json!(["id", "name", "status", "size"])
        }),
        &[("response-property-became-required", "schema Thing › size")],
    );
    check(
        report(same, |s| {
            thing(s)["properties"]["name"]["nullable"] = json!(true)
        }),
        &[("response-property-became-nullable", "schema Thing › name")],
    );
    check(
        report(same, |s| {
            thing(s)["properties"]["nick"] = json!({"type": "string"})
        }),
        &[(
            "response-property-became-non-nullable",
            "schema Thing › nick",
        )],
    );
    check(
        report(same, |s| {
            thing(s)["properties"]["size"] = json!({"type": "string"})
        }),
        &[("response-type-changed", "schema Thing › size")],
    );
    check(
        report(same, |s| {
            thing(s)["properties"]["status"]["enum"] = json!(["active", "gone", "pending"])
        }),
        &[
            ("response-enum-value-added", "schema Thing › status"),
            ("rust-variant-added", "types::ThingStatus › Pending"),
        ],
    );
    check(
        report(same, |s| {
            thing(s)["properties"]["status"]["enum"] = json!(["active"])
        }),
        &[
            ("response-enum-value-removed", "schema Thing › status"),
            ("rust-variant-removed", "types::ThingStatus › Gone"),
        ],
    );
    // `Pet` is in a request body and in a response: both directions.
    check(
        report(same, |s| {
            s["components"]["schemas"]["Fish"] = json!({"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}});
            let pet = &mut s["components"]["schemas"]["Pet"];
            pet["oneOf"]
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/components/schemas/Fish"}));
            pet["discriminator"]["mapping"]["fish"] = json!("#/components/schemas/Fish");
        }),
        &[
            ("response-one-of-variant-added", "schema Pet"),
            ("request-one-of-variant-added", "schema Pet"),
            ("schema-added", "schema Fish"),
        ],
    );
    check(
        report(same, |s| {
            let pet = &mut s["components"]["schemas"]["Pet"];
            pet["oneOf"].as_array_mut().unwrap().remove(1);
            pet["discriminator"]["mapping"]
                .as_object_mut()
                .unwrap()
                .remove("dog");
        }),
        &[
            ("response-one-of-variant-removed", "schema Pet"),
            ("request-one-of-variant-removed", "schema Pet"),
        ],
    );
    check(
        report(same, |s| {
            get_thing(s)["responses"]
                .as_object_mut()
                .unwrap()
                .remove("404");
            s["components"]["schemas"]
                .as_object_mut()
                .unwrap()
                .remove("Error");
        }),
        &[
            ("schema-removed", "schema Error"),
            ("rust-type-removed", "types::Error"),
        ],
    );
    covered
}

#[test]
fn each_rule_fires_on_its_change_with_its_severity() {
    cases();
}

#[test]
fn every_rule_has_a_case() {
    let covered = cases();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(*id))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let report = report(same, same);
    assert!(report.changes.is_empty(), "{:?}", report.changes);
}

#[test]
fn a_duplicate_schema_with_the_same_shape_is_not_a_change() {
    // Clerk's `CommercePlan-2`: the response now names a copy of `Thing`.
    let report = report(same, |s| {
        let copy = thing(s).clone();
        s["components"]["schemas"]["Thing-2"] = copy;
        get_thing(s)["responses"]["200"]["content"]["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/Thing-2"});
    });
    let operation_changes: Vec<_> = report
        .changes
        .iter()
        .filter(|c| c.subject.contains("GetThing"))
        .collect();
    assert!(operation_changes.is_empty(), "{operation_changes:?}");
    assert!(
        report
            .changes
            .iter()
            .all(|c| !c.rule.starts_with("response-")),
        "{:?}",
        report.changes
    );
    // In Rust the method now returns `Thing2`: that is a change a user meets.
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.rule == "rust-method-signature-changed"
                && c.severity == Severity::Breaking
                && c.detail.ends_with("-> Call<Thing2>")),
        "{:?}",
        report.changes
    );
}
