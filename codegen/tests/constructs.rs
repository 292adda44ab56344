//! The generator on small specs written for one construct each: what the
//! model says, and what the emitted Rust says.

use codegen::emit::{File, Provenance};
use codegen::model::*;
use codegen::{Error, Generated};

/// A spec with the given `paths` and `components.schemas` (YAML, indented
/// two spaces less than they will sit).
fn spec(paths: &str, schemas: &str) -> String {
    let indent = |text: &str, by: usize| {
        text.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(by)))
            .collect::<String>()
    };
    format!(
        "openapi: 3.0.3\ninfo:\n  title: Test API\n  version: '2099-01-01'\nservers:\n  - url: https://api.example.com/v1\npaths:\n{}components:\n  schemas:\n{}",
        if paths.trim().is_empty() {
            "  {}\n".to_string()
        } else {
            indent(paths, 2)
        },
        if schemas.trim().is_empty() {
            "    {}\n".to_string()
        } else {
            indent(schemas, 4)
        },
    )
}

fn generate(text: &str) -> Result<Generated, Error> {
    codegen::generate(
        text,
        &[],
        &Provenance {
            spec_file: "test.yml".into(),
            sha256: "0".repeat(64),
            overlays: Vec::new(),
        },
    )
}

fn ok(text: &str) -> Generated {
    generate(text).unwrap_or_else(|e| panic!("{e}\n--- spec ---\n{text}"))
}

fn file<'a>(generated: &'a Generated, name: &str) -> &'a str {
    let path = format!("v2099_01_01/{name}");
    &generated
        .files
        .iter()
        .find(|f: &&File| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

fn structure<'a>(api: &'a Api, name: &str) -> &'a Struct {
    match &api
        .types
        .get(name)
        .unwrap_or_else(|| panic!("no type {name}: {:?}", api.types.keys()))
        .kind
    {
        TypeKind::Struct(s) => s,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn field<'a>(s: &'a Struct, name: &str) -> &'a Field {
    s.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// Collapses whitespace, so that assertions do not depend on line breaks.
fn squash(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

const USER: &str = "\
User:
  type: object
  required: [id, created_at, last_sign_in_at]
  properties:
    id: {type: string}
    created_at: {type: integer, description: Unix timestamp in milliseconds}
    small: {type: integer, format: int32}
    last_sign_in_at: {type: integer, nullable: true}
    first_name: {type: string, nullable: true}
    username: {type: string}
    address:
      type: object
      properties:
        city: {type: string}
";

#[test]
fn required_optional_and_nullable_stay_apart() {
    let g = ok(&spec("", USER));
    let user = structure(&g.api, "User");
    let id = field(user, "id");
    assert!(id.required && !id.nullable);
    let last = field(user, "last_sign_in_at");
    assert!(last.required && last.nullable);
    let first = field(user, "first_name");
    assert!(!first.required && first.nullable);
    assert!(!user.in_request, "only used in no request here");

    let types = squash(file(&g, "types.rs"));
    assert!(types.contains("pub id: String,"), "{types}");
    // Required and nullable: always present, may be null.
    assert!(
        types.contains("pub last_sign_in_at: Option<i64>,"),
        "{types}"
    );
    // Optional: may be absent.
    assert!(types.contains("pub username: Option<String>,"), "{types}");
    // The written serde impls: required is an error when missing, the
    // nullable one is always written, the optional one left out when unset.
    assert!(
        types.contains(r#"id: required(slot_id, "id")?,"#),
        "{types}"
    );
    assert!(
        types.contains(r#"out.serialize_field("last_sign_in_at", &self.last_sign_in_at)?;"#),
        "{types}"
    );
    assert!(
        types.contains("last_sign_in_at: slot_last_sign_in_at.unwrap_or_default(),"),
        "{types}"
    );
    assert!(
        types.contains(r#"optional(&mut out, "username", &self.username)?;"#),
        "{types}"
    );
}

#[test]
fn integers_without_format_are_64_bit() {
    let g = ok(&spec("", USER));
    let user = structure(&g.api, "User");
    assert_eq!(field(user, "created_at").ty, TypeRef::I64);
    assert_eq!(field(user, "small").ty, TypeRef::I32);
}

#[test]
fn inline_schemas_are_named_from_their_parent() {
    let g = ok(&spec("", USER));
    let user = structure(&g.api, "User");
    assert_eq!(
        field(user, "address").ty,
        TypeRef::Named("UserAddress".into())
    );
    assert_eq!(
        g.api.types["UserAddress"].pointer,
        "/components/schemas/User/properties/address"
    );
}

#[test]
fn request_bodies_keep_absent_null_and_value_apart() {
    let paths = "\
/users/{user_id}:
  patch:
    operationId: UpdateUser
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: string}}
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [reason]
            properties:
              reason: {type: string}
              first_name: {type: string, nullable: true}
    responses:
      '200':
        description: ok
        content:
          application/json:
            schema: {$ref: '#/components/schemas/User'}
";
    let g = ok(&spec(paths, USER));
    let body = structure(&g.api, "UpdateUserBody");
    assert!(body.in_request);
    let types = squash(file(&g, "types.rs"));
    assert!(
        types.contains("pub first_name: crate::Nullable<String>,"),
        "{types}"
    );
    // Absent is left out, null and a value are written.
    assert!(
        types.contains(r#"nullable(&mut out, "first_name", &self.first_name)?;"#),
        "{types}"
    );
    // Required fields come through a constructor, so none can be forgotten.
    assert!(
        types.contains("pub fn new(reason: impl Into<String>) -> Self"),
        "{types}"
    );
    // The response type is not a request type: a plain Option there.
    assert!(types.contains("pub first_name: Option<String>,"), "{types}");
}

const VERIFICATIONS: &str = "\
verification_otp:
  x-speakeasy-name-override: OTP
  type: object
  additionalProperties: false
  properties:
    object: {type: string, enum: [verification_otp]}
    attempts: {type: integer, nullable: true}
verification_admin:
  type: object
  properties:
    object: {type: string, enum: [verification_admin]}
EmailAddress:
  type: object
  properties:
    verification:
      type: object
      nullable: true
      oneOf:
        - $ref: '#/components/schemas/verification_otp'
        - $ref: '#/components/schemas/verification_admin'
      discriminator:
        propertyName: object
        mapping:
          otp_code: '#/components/schemas/verification_otp'
    contact:
      oneOf:
        - {type: string}
        - $ref: '#/components/schemas/verification_admin'
";

#[test]
fn one_of_with_a_discriminator_is_a_tagged_enum() {
    let g = ok(&spec("", VERIFICATIONS));
    let address = structure(&g.api, "EmailAddress");
    let verification = field(address, "verification");
    assert!(verification.nullable);
    let TypeRef::Named(name) = &verification.ty else {
        panic!()
    };
    let TypeKind::OneOf(one_of) = &g.api.types[name].kind else {
        panic!()
    };
    assert_eq!(one_of.discriminator.as_deref(), Some("object"));
    let variants: Vec<(&str, Vec<&str>)> = one_of
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.tags.iter().map(String::as_str).collect()))
        .collect();
    // The mapping names one tag; the other defaults to the schema's name.
    assert_eq!(
        variants,
        [
            ("Otp", vec!["otp_code"]),
            ("VerificationAdmin", vec!["verification_admin"])
        ]
    );

    let types = squash(file(&g, "types.rs"));
    assert!(types.contains(r#"Some("otp_code") => { serde_json::from_value(value) .map(EmailAddressVerification::Otp)"#), "{types}");
    assert!(types.contains("Unknown(crate::UnknownJson),"), "{types}");
}

#[test]
fn one_of_without_a_discriminator_is_untagged() {
    let g = ok(&spec("", VERIFICATIONS));
    let contact = field(structure(&g.api, "EmailAddress"), "contact");
    let TypeRef::Named(name) = &contact.ty else {
        panic!()
    };
    let TypeKind::OneOf(one_of) = &g.api.types[name].kind else {
        panic!()
    };
    assert_eq!(one_of.discriminator, None);
    assert_eq!(one_of.variants[0].ty, TypeRef::String);
    let types = squash(file(&g, "types.rs"));
    assert!(
        types.contains("#[serde(untagged)] pub enum EmailAddressContact { String(String), VerificationAdmin(super::types::VerificationAdmin), /// A value that matches no variant"),
        "{types}"
    );
}

#[test]
fn enums_accept_values_the_spec_does_not_list() {
    let schemas = "Status:\n  type: string\n  enum: [active, email_code, '']\n";
    let g = ok(&spec("", schemas));
    let TypeKind::Enum(values) = &g.api.types["Status"].kind else {
        panic!()
    };
    let variants: Vec<&str> = values.iter().map(|v| v.variant.as_str()).collect();
    assert_eq!(variants, ["Active", "EmailCode", "Empty"]);
    let types = squash(file(&g, "types.rs"));
    assert!(types.contains("Unknown(crate::UnknownValue),"), "{types}");
    assert!(
        types.contains(r#"_ => Status::Unknown(crate::UnknownValue::new(value)),"#),
        "{types}"
    );
    // No type refuses unknown fields, even with additionalProperties: false.
    assert!(!types.contains("deny_unknown_fields"));
}

#[test]
fn all_of_is_merged() {
    let schemas = "\
Base:
  type: object
  required: [id]
  properties:
    id: {type: string}
    name: {type: string}
Extended:
  allOf:
    - $ref: '#/components/schemas/Base'
    - type: object
      required: [name]
      properties:
        extra: {type: boolean}
";
    let g = ok(&spec("", schemas));
    let extended = structure(&g.api, "Extended");
    let names: Vec<(&str, bool)> = extended
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    assert_eq!(names, [("id", true), ("name", true), ("extra", false)]);
}

#[test]
fn additional_properties_are_maps_and_free_form_objects_are_reported() {
    let schemas = "\
Counts:
  type: object
  additionalProperties: {type: integer}
Org:
  type: object
  properties:
    public_metadata: {type: object, additionalProperties: true}
";
    let g = ok(&spec("", schemas));
    assert_eq!(
        g.api.types["Counts"].kind,
        TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::I64)))
    );
    assert_eq!(
        field(structure(&g.api, "Org"), "public_metadata").ty,
        TypeRef::Map(Box::new(TypeRef::Json))
    );
    assert_eq!(
        g.api.untyped,
        [Untyped {
            pointer: "/components/schemas/Org/properties/public_metadata".into(),
            reason: "free-form object: any JSON values by key".into(),
        }]
    );
    let types = squash(file(&g, "types.rs"));
    assert!(
        types.contains("pub type Counts = std::collections::BTreeMap<String, i64>;"),
        "{types}"
    );
    assert!(
        types.contains("Option<serde_json::Map<String, serde_json::Value>>"),
        "{types}"
    );
}

const CLERK_ERRORS: &str = "\
ClerkErrors:
  type: object
  required: [errors]
  properties:
    errors:
      type: array
      items: {type: object, properties: {message: {type: string}, code: {type: string}}}
";

fn inline_errors(example: &str) -> String {
    format!(
        "description: error\ncontent:\n  application/json:\n    schema:\n      type: object\n      required: [errors]\n      example: {{errors: [{{message: {example}}}]}}\n      properties:\n        errors:\n          type: array\n          items: {{type: object, properties: {{message: {{type: string}}, code: {{type: string}}}}}}\n"
    )
}

#[test]
fn operations_are_grouped_named_and_typed() {
    let indent = |t: &str, n: usize| {
        t.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(n)))
            .collect::<String>()
    };
    let paths = format!(
        "\
/users:
  get:
    operationId: GetUserList
    x-speakeasy-group: users
    x-speakeasy-name-override: list
    tags: [Users]
    summary: List all users
    parameters:
      - {{name: email_address, in: query, schema: {{type: array, items: {{type: string}}}}}}
      - {{name: ids, in: query, explode: false, schema: {{type: array, items: {{type: string}}}}}}
      - {{name: limit, in: query, schema: {{type: integer}}}}
      - {{name: order_by, in: query, required: true, schema: {{type: string}}}}
    responses:
      '200':
        description: ok
        content:
          application/json:
            schema: {{type: array, items: {{$ref: '#/components/schemas/ClerkErrors'}}}}
      '400':
{}      '404':
{}/api_keys/{{key_id}}:
  delete:
    operationId: deleteApiKey
    tags: [API Keys]
    deprecated: true
    parameters:
      - {{name: key_id, in: path, required: true, schema: {{type: string}}}}
    responses:
      '200': {{description: ok}}
",
        indent(&inline_errors("a"), 8),
        indent(&inline_errors("b"), 8),
    );
    let g = ok(&spec(&paths, CLERK_ERRORS));
    let names: Vec<(&str, &str, &str)> = g
        .api
        .operations
        .iter()
        .map(|o| (o.group.as_str(), o.name.as_str(), o.id.as_str()))
        .collect();
    // Group from x-speakeasy-group, else the first tag; name from the
    // override, else the operationId.
    assert_eq!(
        names,
        [
            ("api_keys", "delete_api_key", "deleteApiKey"),
            ("users", "list", "GetUserList")
        ]
    );

    let list = &g.api.operations[1];
    // Two inline error schemas that differ only in their example are the
    // component's type.
    assert_eq!(list.error, Some(TypeRef::Named("ClerkErrors".into())));
    assert_eq!(list.responses.len(), 3);

    let users = squash(file(&g, "users.rs"));
    assert!(
        users.contains("pub fn list( &self, order_by: &str, params: &ListParams, ) -> super::Call<Vec<super::types::ClerkErrors>>"),
        "{users}"
    );
    assert!(
        users.contains("`GET /users` · operation `GetUserList` · tag `Users`"),
        "{users}"
    );
    assert!(
        users.contains(r#"request.query("order_by", &order_by);"#),
        "{users}"
    );
    assert!(users.contains("pub email_address: Vec<String>,"), "{users}");
    assert!(
        users.contains(r#"request.query_joined("ids", value);"#),
        "{users}"
    );
    assert!(users.contains("pub limit: Option<i64>,"), "{users}");

    let api_keys = squash(file(&g, "api_keys.rs"));
    // It declares no error body, unlike the version's other operations:
    // its call says so (the raw body is kept in the error either way).
    assert!(api_keys.contains("#[deprecated] pub fn delete_api_key(&self, key_id: &str) -> crate::Call<(), (), crate::Single>"), "{api_keys}");
    assert!(
        api_keys.contains(r#"["/api_keys/", &crate::__private::path_segment(&key_id)].concat()"#),
        "{api_keys}"
    );
}

#[test]
fn multipart_bodies_send_files_and_text() {
    let paths = "\
/users/{user_id}/profile_image:
  post:
    operationId: SetUserProfileImage
    x-speakeasy-group: users
    x-speakeasy-name-override: setProfileImage
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: string}}
    requestBody:
      required: true
      content:
        multipart/form-data:
          schema:
            type: object
            properties:
              file: {type: string, format: binary}
              uploader_user_id: {type: string}
    responses:
      '200': {description: ok}
";
    let g = ok(&spec(paths, ""));
    let op = &g.api.operations[0];
    assert_eq!(
        op.body.as_ref().map(|b| b.encoding),
        Some(BodyEncoding::Multipart)
    );
    let body = structure(&g.api, "SetUserProfileImageBody");
    assert_eq!(field(body, "file").ty, TypeRef::Binary);
    let users = squash(file(&g, "users.rs"));
    assert!(
        users.contains(r#"if let Some(value) = &body.file { form.file("file", value); }"#),
        "{users}"
    );
    assert!(
        users.contains(r#"form.text("uploader_user_id", value);"#),
        "{users}"
    );
    assert!(users.contains("request.multipart(form);"), "{users}");
    let types = squash(file(&g, "types.rs"));
    assert!(types.contains("pub file: Option<crate::File>,"), "{types}");
}

#[test]
fn generation_is_deterministic() {
    let text = spec("", &format!("{USER}{VERIFICATIONS}{CLERK_ERRORS}"));
    let a = ok(&text);
    let b = ok(&text);
    assert_eq!(a.files, b.files);
    assert!(a.files.iter().all(|f| {
        f.contents
            .starts_with("// @generated by `cargo xtask gen` from test.yml (sha256 0000")
    }));
}

#[test]
fn broken_specs_say_where() {
    // A version that cannot name a module (found by the `spec` fuzz target,
    // which made this panic): an error at /info/version.
    let err = generate(&spec("", "").replace("'2099-01-01'", "'2099 01: x'")).unwrap_err();
    assert!(err.to_string().contains("/info/version"), "{err}");

    let err = generate("openapi: 3.0.3\ninfo: {title: t\n").unwrap_err();
    assert!(matches!(err, Error::Yaml { .. }), "{err}");
    assert!(err.to_string().starts_with("test.yml:"), "{err}");

    // 3.1 is read (as 3.0, see `load`); 2.0 and 4.x are not.
    for text in [
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    ] {
        let err = generate(text).unwrap_err();
        assert!(matches!(err, Error::NotOpenApi30 { .. }), "{err}");
    }

    let dangling =
        "User:\n  type: object\n  properties:\n    org: {$ref: '#/components/schemas/Nope'}\n";
    let err = generate(&spec("", dangling)).unwrap_err();
    assert!(matches!(err, Error::DanglingRef { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "#/components/schemas/User/properties/org: $ref \"#/components/schemas/Nope\" points at nothing"
    );

    let negation = "Odd:\n  not: {type: string}\n";
    let err = generate(&spec("", negation)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("#/components/schemas/Odd: unsupported: `not`"),
        "{err}"
    );
}
