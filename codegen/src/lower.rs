//! OpenAPI document → [`Api`] model: `$ref`s resolved, `allOf` merged,
//! `oneOf` and discriminators made variants, inline schemas named from
//! their parent and structurally identical inline schemas merged, every
//! name chosen once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, OpenAPI, Operation as OaOperation, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::conventions;
use crate::error::Error;
use crate::model::*;
use crate::naming::{Scope, pascal, snake};

const SCHEMAS: &str = "#/components/schemas/";
/// Where a webhooks document keeps its events (OpenAPI 3.0's extension;
/// `load` moves 3.1's `webhooks` here).
pub const WEBHOOKS: &str = "x-webhooks";

/// Lowers a parsed spec into the model.
pub fn lower(spec: &OpenAPI) -> Result<Api, Error> {
    // The version names the module (`v2026_05_12`): letters, digits and
    // `-`, `.`, `_` only. (Found by the `spec` fuzz target: anything else
    // made an invalid identifier, and a panic.)
    let version = &spec.info.version;
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err(Error::Unsupported {
            pointer: "/info/version".into(),
            message: format!(
                "{version:?}: a version must be letters, digits, `-`, `.` or `_` (it names the module)"
            ),
        });
    }
    let webhooks = webhooks(spec)?;
    let mut lowerer = Lowerer::new(spec, &webhooks);
    lowerer.components()?;
    lowerer.apply_declarations()?;
    let mut operations = lowerer.operations()?;
    let events = lowerer.events()?;
    operations.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
    for role in AuthRoleKind::ALL {
        let mut declaring = operations
            .iter()
            .filter(|o| o.auth.as_ref().is_some_and(|a| a.role == role));
        if let (Some(first), Some(second)) = (declaring.next(), declaring.next()) {
            return Err(Error::Unsupported {
                pointer: second.pointer.clone(),
                message: format!(
                    "x-clerk-auth role {} is declared twice (also at {})",
                    role.as_str(),
                    first.pointer
                ),
            });
        }
    }
    let mut types = lowerer.types;
    mark_request_types(&operations, &mut types);
    assign_roles(&operations, &events, &mut types);
    let mut untyped = lowerer.untyped;
    untyped.sort();
    untyped.dedup();
    Ok(Api {
        version: spec.info.version.clone(),
        title: spec.info.title.clone(),
        server: spec
            .servers
            .first()
            .map(|s| s.url.clone())
            .unwrap_or_default(),
        operations,
        events,
        types,
        untyped,
    })
}

/// The entries of `x-webhooks`, each read as a path item, in spec order.
fn webhooks(spec: &OpenAPI) -> Result<Vec<(String, openapiv3::PathItem)>, Error> {
    let Some(webhooks) = spec.extensions.get(WEBHOOKS) else {
        return Ok(Vec::new());
    };
    let entries = webhooks.as_object().ok_or_else(|| Error::Unsupported {
        pointer: format!("/{WEBHOOKS}"),
        message: "expected a map of event names to path items".into(),
    })?;
    entries
        .iter()
        .map(|(name, item)| {
            // An event's operation declares no responses (the receiver's
            // answer is not part of the event); OpenAPI 3.0 requires the key.
            let mut item = item.clone();
            if let Some(operations) = item.as_object_mut() {
                for operation in operations.values_mut().filter_map(|o| o.as_object_mut()) {
                    operation
                        .entry("responses")
                        .or_insert_with(|| serde_json::Value::Object(Default::default()));
                }
            }
            serde_path_to_error::deserialize(&item)
                .map(|parsed| (name.clone(), parsed))
                .map_err(|e| Error::Unsupported {
                    pointer: format!(
                        "/{WEBHOOKS}/{}{}",
                        escape_pointer(name),
                        crate::load::pointer_of(e.path())
                    ),
                    message: e.inner().to_string(),
                })
        })
        .collect()
}

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
enum Sch<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Sch<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Sch::Ref(reference),
            ReferenceOr::Item(s) => Sch::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Sch<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Sch::Ref(reference),
            ReferenceOr::Item(s) => Sch::Item(s),
        }
    }
}

/// What a schema lowers to before it is given a name: a use-site type, or
/// a type definition that needs one.
enum Shape {
    Ref(TypeRef),
    Kind(TypeKind),
}

/// The properties of an object schema, gathered across `allOf` parts.
#[derive(Default)]
struct ObjectParts<'a> {
    properties: Vec<(&'a str, Sch<'a>, String)>,
    required: BTreeSet<&'a str>,
    /// `anyOf` alternatives that only require properties.
    any_of_required: Vec<Vec<String>>,
}

/// Extensions of one object schema, read once every type is lowered (so
/// that they can be checked against the types they name).
struct Declarations<'a> {
    pointer: String,
    extensions: &'a indexmap::IndexMap<String, serde_json::Value>,
}

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    /// The events of a webhooks document, read from `x-webhooks`.
    webhooks: &'a [(String, openapiv3::PathItem)],
    /// Component schema key → Rust type name.
    component_names: BTreeMap<&'a str, String>,
    names: Scope,
    types: BTreeMap<String, NamedType>,
    /// Shape of an inline type (docs left out) → the name it was given,
    /// so that identical inline schemas become one type.
    shapes: HashMap<String, String>,
    untyped: Vec<Untyped>,
    /// Object schemas with `x-clerk-…` extensions, by their pointer.
    declarations: Vec<Declarations<'a>>,
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn extension_str<'a>(
    extensions: &'a indexmap::IndexMap<String, serde_json::Value>,
    key: &str,
) -> Option<&'a str> {
    extensions.get(key).and_then(|v| v.as_str())
}

/// The shape of a type with documentation left out, for merging identical
/// inline schemas.
fn shape_key(kind: &TypeKind) -> String {
    let mut bare = kind.clone();
    if let TypeKind::Struct(s) = &mut bare {
        for f in &mut s.fields {
            f.description = None;
            f.deprecated = false;
        }
    }
    format!("{bare:?}")
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a OpenAPI, webhooks: &'a [(String, openapiv3::PathItem)]) -> Self {
        Lowerer {
            spec,
            webhooks,
            component_names: BTreeMap::new(),
            names: Scope::new(),
            types: BTreeMap::new(),
            shapes: HashMap::new(),
            untyped: Vec::new(),
            declarations: Vec::new(),
        }
    }

    fn component_schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.spec.components.iter().flat_map(|c| c.schemas.iter())
    }

    /// Names every component schema first (so that references resolve in
    /// any order), then lowers each.
    fn components(&mut self) -> Result<(), Error> {
        let keys: Vec<&'a String> = self.component_schemas().map(|(k, _)| k).collect();
        for key in keys {
            let name = self.names.claim(&pascal(key));
            self.component_names.insert(key, name);
        }
        let schemas: Vec<_> = self.component_schemas().collect();
        for (key, schema) in schemas {
            let name = self.component_names[key.as_str()].clone();
            let pointer = format!("/components/schemas/{}", escape_pointer(key));
            let (shape, _) = self.shape(schema.into(), &name, &pointer)?;
            let (description, deprecated) = match schema {
                ReferenceOr::Item(s) => {
                    (s.schema_data.description.clone(), s.schema_data.deprecated)
                }
                ReferenceOr::Reference { .. } => (None, false),
            };
            let kind = match shape {
                Shape::Kind(kind) => {
                    self.shapes.entry(shape_key(&kind)).or_insert(name.clone());
                    kind
                }
                Shape::Ref(target) => TypeKind::Alias(target),
            };
            self.types.insert(
                name.clone(),
                NamedType {
                    name,
                    pointer,
                    description,
                    deprecated,
                    kind,
                    role: None,
                    constraints: constraints_of(schema.into()),
                },
            );
        }
        Ok(())
    }

    /// The component schema a `$ref` points at.
    fn resolve(
        &self,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'a str, &'a ReferenceOr<Schema>), Error> {
        let key = reference
            .strip_prefix(SCHEMAS)
            .ok_or_else(|| Error::Unsupported {
                pointer: pointer.to_string(),
                message: format!("$ref {reference:?} does not point into {SCHEMAS}"),
            })?;
        self.component_schemas()
            .find(|(k, _)| k.as_str() == key)
            .map(|(k, s)| (k.as_str(), s))
            .ok_or_else(|| Error::DanglingRef {
                pointer: pointer.to_string(),
                reference: reference.to_string(),
            })
    }

    /// The use-site type of a schema, naming (or reusing) a type if it
    /// defines one. Returns whether the schema is nullable.
    fn type_ref(
        &mut self,
        s: Sch<'a>,
        hint: &str,
        pointer: &str,
    ) -> Result<(TypeRef, bool), Error> {
        let (shape, nullable) = self.shape(s, hint, pointer)?;
        let ty = match shape {
            Shape::Ref(ty) => ty,
            Shape::Kind(kind) => {
                let description = match s {
                    Sch::Item(schema) => schema.schema_data.description.clone(),
                    Sch::Ref(_) => None,
                };
                TypeRef::Named(self.define(hint, pointer, description, kind))
            }
        };
        Ok((ty, nullable))
    }

    /// Defines an inline type, or reuses an identical one.
    fn define(
        &mut self,
        hint: &str,
        pointer: &str,
        description: Option<String>,
        kind: TypeKind,
    ) -> String {
        let key = shape_key(&kind);
        if let Some(existing) = self.shapes.get(&key) {
            return existing.clone();
        }
        self.define_own(hint, pointer, description, kind)
    }

    /// Defines an inline type under its own name even if an identical one
    /// exists: a request body is named after its operation
    /// (`UpdateUserMetadataBody`), not after another with the same shape.
    fn define_own(
        &mut self,
        hint: &str,
        pointer: &str,
        description: Option<String>,
        kind: TypeKind,
    ) -> String {
        let name = self.names.claim(hint);
        self.shapes
            .entry(shape_key(&kind))
            .or_insert_with(|| name.clone());
        self.types.insert(
            name.clone(),
            NamedType {
                name: name.clone(),
                pointer: pointer.to_string(),
                description,
                deprecated: false,
                kind,
                role: None,
                constraints: Constraints::default(),
            },
        );
        name
    }

    /// Notes an object schema's `x-clerk-…` extensions, if it has any.
    fn declare(&mut self, schema: &'a Schema, pointer: &str) {
        let extensions = &schema.schema_data.extensions;
        if [conventions::PRIMARY, conventions::ERROR_BODY]
            .iter()
            .any(|key| extensions.contains_key(*key))
        {
            self.declarations.push(Declarations {
                pointer: pointer.to_string(),
                extensions,
            });
        }
    }

    /// Reads the noted object declarations into the structs they were
    /// made on, now that every type they name exists.
    fn apply_declarations(&mut self) -> Result<(), Error> {
        for declared in std::mem::take(&mut self.declarations) {
            let Some(name) = self
                .types
                .values()
                .find(|t| t.pointer == declared.pointer)
                .map(|t| t.name.clone())
            else {
                continue; // merged into an identical type declared elsewhere
            };
            let TypeKind::Struct(s) = &self.types[&name].kind else {
                continue;
            };
            let lookups = conventions::lookups(
                declared.extensions.get(conventions::PRIMARY),
                &declared.pointer,
                &s.fields,
                &self.types,
            )?;
            let error_body = conventions::error_body(
                declared.extensions.get(conventions::ERROR_BODY),
                &declared.pointer,
                &s.fields,
                &self.types,
            )?;
            // An error body decodes from any subset of its fields (and of
            // its entries' fields): a partial body such as
            // `{"errors":[{"code":"resource_not_found"}]}` still gives its
            // code, instead of no body at all.
            let entry = error_body.as_ref().and_then(|e| {
                let list = s.fields.iter().find(|f| f.name == e.list)?;
                match conventions::array_item(&self.types, &list.ty)? {
                    TypeRef::Named(entry) => Some(entry),
                    _ => None,
                }
            });
            let lenient = error_body.is_some();
            if let Some(TypeKind::Struct(s)) = self.types.get_mut(&name).map(|t| &mut t.kind) {
                s.lookups = lookups;
                s.error_body = error_body;
                if lenient {
                    s.fields.iter_mut().for_each(|f| f.required = false);
                }
            }
            if let Some(TypeKind::Struct(s)) = entry
                .and_then(|entry| self.types.get_mut(&entry))
                .map(|t| &mut t.kind)
            {
                s.fields.iter_mut().for_each(|f| f.required = false);
            }
        }
        Ok(())
    }

    fn untyped(&mut self, pointer: &str, reason: &str) -> TypeRef {
        self.untyped.push(Untyped {
            pointer: pointer.to_string(),
            reason: reason.to_string(),
        });
        TypeRef::Json
    }

    fn shape(&mut self, s: Sch<'a>, hint: &str, pointer: &str) -> Result<(Shape, bool), Error> {
        let schema = match s {
            Sch::Ref(reference) => {
                let (key, target) = self.resolve(reference, pointer)?;
                let nullable = matches!(target, ReferenceOr::Item(t) if t.schema_data.nullable);
                return Ok((
                    Shape::Ref(TypeRef::Named(self.component_names[key].clone())),
                    nullable,
                ));
            }
            Sch::Item(schema) => schema,
        };
        let mut nullable = schema.schema_data.nullable;
        let shape = match &schema.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                if st.enumeration.is_empty() {
                    match st.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
                            Shape::Ref(TypeRef::Binary)
                        }
                        _ => Shape::Ref(TypeRef::String),
                    }
                } else {
                    nullable |= st.enumeration.iter().any(Option::is_none);
                    let values = st.enumeration.iter().flatten().map(String::as_str);
                    Shape::Kind(enum_kind(values))
                }
            }
            SchemaKind::Type(Type::Integer(it)) => Shape::Ref(match it.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            SchemaKind::Type(Type::Number(_)) => Shape::Ref(TypeRef::F64),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Ref(TypeRef::Bool),
            SchemaKind::Type(Type::Array(a)) => {
                Shape::Ref(self.array(a.items.as_ref(), hint, pointer)?)
            }
            SchemaKind::Type(Type::Object(o)) => {
                let mut parts = ObjectParts::default();
                self.gather(s, pointer, &mut parts, 0)?;
                self.declare(schema, pointer);
                self.object(parts, o.additional_properties.as_ref(), hint, pointer)?
            }
            SchemaKind::OneOf { one_of } => self.one_of(
                one_of,
                schema.schema_data.discriminator.as_ref(),
                hint,
                pointer,
                "oneOf",
            )?,
            SchemaKind::AnyOf { any_of } => self.one_of(
                any_of,
                schema.schema_data.discriminator.as_ref(),
                hint,
                pointer,
                "anyOf",
            )?,
            SchemaKind::AllOf { .. } => {
                let mut parts = ObjectParts::default();
                self.gather(s, pointer, &mut parts, 0)?;
                self.declare(schema, pointer);
                self.object(parts, None, hint, pointer)?
            }
            SchemaKind::Not { .. } => {
                return Err(Error::Unsupported {
                    pointer: pointer.to_string(),
                    message: "`not` schemas cannot be expressed as a Rust type".into(),
                });
            }
            SchemaKind::Any(any) => self.any(s, schema, any, hint, pointer)?,
        };
        Ok((shape, nullable))
    }

    /// A schema with both a `type` and composition keywords, or none at all.
    fn any(
        &mut self,
        s: Sch<'a>,
        schema: &'a Schema,
        any: &'a AnySchema,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape, Error> {
        if !any.one_of.is_empty() {
            return self.one_of(
                &any.one_of,
                schema.schema_data.discriminator.as_ref(),
                hint,
                pointer,
                "oneOf",
            );
        }
        let constraint_only = |branches: &[ReferenceOr<Schema>]| {
            branches.iter().all(|b| {
                matches!(b, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(a), .. })
                    if a.typ.is_none() && a.properties.is_empty() && a.one_of.is_empty()
                        && a.all_of.is_empty() && a.any_of.is_empty() && a.items.is_none())
            })
        };
        let is_object = any.typ.as_deref() == Some("object")
            || !any.properties.is_empty()
            || !any.all_of.is_empty()
            || any.additional_properties.is_some();
        if is_object && (any.any_of.is_empty() || constraint_only(&any.any_of)) {
            // `anyOf: [{required: [a]}, {required: [b]}]` only constrains
            // which properties are present; the properties stay typed.
            let mut parts = ObjectParts::default();
            self.gather(s, pointer, &mut parts, 0)?;
            parts.any_of_required = any
                .any_of
                .iter()
                .filter_map(|branch| match branch {
                    ReferenceOr::Item(Schema {
                        schema_kind: SchemaKind::Any(a),
                        ..
                    }) => Some(a.required.clone()),
                    _ => None,
                })
                .filter(|required| !required.is_empty())
                .collect();
            self.declare(schema, pointer);
            return self.object(parts, any.additional_properties.as_ref(), hint, pointer);
        }
        if !any.any_of.is_empty() && any.all_of.is_empty() && any.properties.is_empty() {
            return self.one_of(
                &any.any_of,
                schema.schema_data.discriminator.as_ref(),
                hint,
                pointer,
                "anyOf",
            );
        }
        match any.typ.as_deref() {
            Some("string") if !any.enumeration.is_empty() => {
                let values = any.enumeration.iter().filter_map(|v| v.as_str());
                Ok(Shape::Kind(enum_kind(values)))
            }
            Some("string") => Ok(Shape::Ref(if any.format.as_deref() == Some("binary") {
                TypeRef::Binary
            } else {
                TypeRef::String
            })),
            Some("integer") => Ok(Shape::Ref(if any.format.as_deref() == Some("int32") {
                TypeRef::I32
            } else {
                TypeRef::I64
            })),
            Some("number") => Ok(Shape::Ref(TypeRef::F64)),
            Some("boolean") => Ok(Shape::Ref(TypeRef::Bool)),
            Some("array") => Ok(Shape::Ref(self.array(any.items.as_ref(), hint, pointer)?)),
            None => Ok(Shape::Ref(
                self.untyped(pointer, "schema without a type: any JSON value"),
            )),
            Some(other) => Err(Error::Unsupported {
                pointer: pointer.to_string(),
                message: format!(
                    "unsupported combination of type {other:?} and composition keywords"
                ),
            }),
        }
    }

    fn array(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        let item = match items {
            Some(items) => {
                self.type_ref(
                    items.into(),
                    &format!("{hint}Item"),
                    &format!("{pointer}/items"),
                )?
                .0
            }
            None => self.untyped(
                pointer,
                "array without `items`: elements are any JSON value",
            ),
        };
        Ok(TypeRef::Array(Box::new(item)))
    }

    /// Collects the properties of an object schema, following `allOf`
    /// parts and `$ref`s into component schemas.
    fn gather(
        &mut self,
        s: Sch<'a>,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > 32 {
            return Err(Error::Unsupported {
                pointer: pointer.to_string(),
                message: "allOf nested more than 32 levels (a cycle?)".into(),
            });
        }
        let (schema, pointer) = match s {
            Sch::Ref(reference) => {
                let (key, target) = self.resolve(reference, pointer)?;
                let target_pointer = format!("/components/schemas/{}", escape_pointer(key));
                return self.gather(target.into(), &target_pointer, parts, depth + 1);
            }
            Sch::Item(schema) => (schema, pointer.to_string()),
        };
        let (properties, required, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required, None),
            SchemaKind::Any(a) => (&a.properties, &a.required, Some(&a.all_of)),
            SchemaKind::AllOf { all_of } => {
                for (i, part) in all_of.iter().enumerate() {
                    self.gather(
                        part.into(),
                        &format!("{pointer}/allOf/{i}"),
                        parts,
                        depth + 1,
                    )?;
                }
                return Ok(());
            }
            _ => {
                return Err(Error::Unsupported {
                    pointer,
                    message: "an allOf part that is not an object schema".into(),
                });
            }
        };
        if let Some(all_of) = all_of {
            for (i, part) in all_of.iter().enumerate() {
                self.gather(
                    part.into(),
                    &format!("{pointer}/allOf/{i}"),
                    parts,
                    depth + 1,
                )?;
            }
        }
        for (name, prop) in properties {
            let prop_pointer = format!("{pointer}/properties/{}", escape_pointer(name));
            // A later part overrides an earlier property of the same name.
            parts.properties.retain(|(n, _, _)| *n != name.as_str());
            parts
                .properties
                .push((name.as_str(), prop.into(), prop_pointer));
        }
        parts.required.extend(required.iter().map(String::as_str));
        Ok(())
    }

    fn object(
        &mut self,
        parts: ObjectParts<'a>,
        additional: Option<&'a AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape, Error> {
        if parts.properties.is_empty() {
            return Ok(Shape::Ref(match additional {
                Some(AdditionalProperties::Schema(value)) => {
                    let (value, _) = self.type_ref(
                        (&**value).into(),
                        &format!("{hint}Value"),
                        &format!("{pointer}/additionalProperties"),
                    )?;
                    TypeRef::Map(Box::new(value))
                }
                Some(AdditionalProperties::Any(false)) => {
                    return Ok(Shape::Kind(TypeKind::Struct(Struct {
                        fields: Vec::new(),
                        in_request: false,
                        any_of_required: Vec::new(),
                        lookups: Vec::new(),
                        error_body: None,
                    })));
                }
                _ => TypeRef::Map(Box::new(
                    self.untyped(pointer, "free-form object: any JSON values by key"),
                )),
            }));
        }
        if let Some(AdditionalProperties::Schema(_)) = additional {
            return Err(Error::Unsupported {
                pointer: pointer.to_string(),
                message: "an object with both properties and an additionalProperties schema".into(),
            });
        }
        let mut field_names = Scope::new();
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (name, prop, prop_pointer) in parts.properties {
            let (ty, nullable) =
                self.type_ref(prop, &format!("{hint}{}", pascal(name)), &prop_pointer)?;
            let (description, deprecated) = match prop {
                Sch::Item(s) => (s.schema_data.description.clone(), s.schema_data.deprecated),
                Sch::Ref(_) => (None, false),
            };
            fields.push(Field {
                name: name.to_string(),
                rust_name: field_names.claim(&snake(name)),
                ty,
                required: parts.required.contains(name),
                nullable,
                description,
                deprecated,
                constraints: constraints_of(prop),
            });
        }
        Ok(Shape::Kind(TypeKind::Struct(Struct {
            fields,
            in_request: false,
            any_of_required: parts.any_of_required,
            lookups: Vec::new(),
            error_body: None,
        })))
    }

    fn one_of(
        &mut self,
        branches: &'a [ReferenceOr<Schema>],
        discriminator: Option<&'a openapiv3::Discriminator>,
        hint: &str,
        pointer: &str,
        keyword: &str,
    ) -> Result<Shape, Error> {
        if let [only] = branches {
            // `nullable` + `oneOf: [$ref]` is how 3.0 makes a reference nullable.
            let (shape, _) = self.shape(only.into(), hint, &format!("{pointer}/{keyword}/0"))?;
            return Ok(shape);
        }
        let mut variant_names = Scope::new();
        let mut variants = Vec::with_capacity(branches.len());
        for (i, branch) in branches.iter().enumerate() {
            let branch_pointer = format!("{pointer}/{keyword}/{i}");
            let (ty, _) =
                self.type_ref(branch.into(), &format!("{hint}{}", i + 1), &branch_pointer)?;
            let (base, tags) = match branch {
                ReferenceOr::Reference { reference } => {
                    let (key, target) = self.resolve(reference, &branch_pointer)?;
                    let override_name = match target {
                        ReferenceOr::Item(t) => {
                            extension_str(&t.schema_data.extensions, "x-speakeasy-name-override")
                        }
                        ReferenceOr::Reference { .. } => None,
                    };
                    let mut tags: Vec<String> = discriminator
                        .map(|d| {
                            d.mapping
                                .iter()
                                .filter(|(_, target)| target.as_str() == reference)
                                .map(|(value, _)| value.clone())
                                .collect()
                        })
                        .unwrap_or_default();
                    if tags.is_empty() && discriminator.is_some() {
                        // Without a mapping, the value is the schema's name.
                        tags.push(key.to_string());
                    }
                    (pascal(override_name.unwrap_or(key)), tags)
                }
                ReferenceOr::Item(_) => (variant_name(&ty, i), Vec::new()),
            };
            variants.push(Variant {
                name: variant_names.claim(&base),
                ty,
                tags,
            });
        }
        Ok(Shape::Kind(TypeKind::OneOf(OneOf {
            discriminator: discriminator.map(|d| d.property_name.clone()),
            variants,
        })))
    }

    /// The events of a webhooks document: each entry of `x-webhooks` (an
    /// OpenAPI 3.1 `webhooks` key is read there too, see `load`) is a path
    /// item whose operation's request body is the delivery.
    fn events(&mut self) -> Result<Vec<Event>, Error> {
        let mut variants = Scope::new();
        variants.claim("Unknown");
        let mut events = Vec::new();
        for (name, item) in self.webhooks {
            let pointer = format!("/{WEBHOOKS}/{}", escape_pointer(name));
            let Some((method, op)) = item.iter().next() else {
                return Err(Error::Unsupported {
                    pointer,
                    message: "an event needs an operation (post)".into(),
                });
            };
            let op_pointer = format!("{pointer}/{method}");
            let body = op.request_body.as_ref().ok_or_else(|| Error::Unsupported {
                pointer: op_pointer.clone(),
                message: "an event needs a request body: the delivery".into(),
            })?;
            let (body, body_pointer) = self.resolve_component(
                body,
                "requestBodies",
                |c| &c.request_bodies,
                &format!("{op_pointer}/requestBody"),
            )?;
            let Some((media, media_type)) = body.content.iter().find(|(media, _)| {
                media.as_str() == "application/json" || media.ends_with("+json")
            }) else {
                return Err(Error::Unsupported {
                    pointer: body_pointer,
                    message: "an event's delivery must be JSON".into(),
                });
            };
            let schema_pointer = format!("{body_pointer}/content/{}/schema", escape_pointer(media));
            let schema = media_type
                .schema
                .as_ref()
                .ok_or_else(|| Error::Unsupported {
                    pointer: schema_pointer.clone(),
                    message: "an event's delivery needs a schema".into(),
                })?;
            let variant = variants.claim(&pascal(name));
            let hint = format!("{variant}Event");
            let payload = match self.shape(schema.into(), &hint, &schema_pointer)?.0 {
                Shape::Ref(ty) => ty,
                // Each event keeps its own payload type, even where two have
                // the same shape (`user.created`, `user.updated`).
                Shape::Kind(kind) => TypeRef::Named(self.define_own(
                    &hint,
                    &schema_pointer,
                    op.description.clone(),
                    kind,
                )),
            };
            let data = match &payload {
                TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct(s)) => s
                        .fields
                        .iter()
                        .find(|f| f.name == "data")
                        .map(|f| f.ty.clone()),
                    _ => None,
                },
                _ => None,
            };
            events.push(Event {
                name: name.clone(),
                variant,
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                payload,
                data,
                pointer,
            });
        }
        Ok(events)
    }

    fn operations(&mut self) -> Result<Vec<Operation>, Error> {
        let mut operations = Vec::new();
        let mut method_names: BTreeMap<String, Scope> = BTreeMap::new();
        for (path, item) in &self.spec.paths.paths {
            let path_pointer = format!("/paths/{}", escape_pointer(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    return Err(Error::Unsupported {
                        pointer: path_pointer,
                        message: format!("path item $ref {reference:?}"),
                    });
                }
            };
            for (method, op) in item.iter() {
                let pointer = format!("{path_pointer}/{method}");
                let mut operation = self.operation(path, method, op, &item.parameters, &pointer)?;
                let scope = method_names.entry(operation.group.clone()).or_default();
                if scope.contains(&operation.name) {
                    // Two operations with one name in a group: fall back to
                    // the operationId, which is unique in the spec.
                    operation.name = snake(&operation.id);
                }
                operation.name = scope.claim(&operation.name);
                operations.push(operation);
            }
        }
        // Former names are claimed once every operation has its name, so
        // that an alias never takes a current one.
        for operation in &operations {
            let scope = method_names.entry(operation.group.clone()).or_default();
            for alias in &operation.aliases {
                if scope.contains(alias) {
                    return Err(Error::Convention {
                        pointer: format!("{}/{}", operation.pointer, conventions::ALIASES),
                        message: format!(
                            "alias `{alias}` is the name of another operation of `{}`",
                            operation.group
                        ),
                    });
                }
                scope.claim(alias);
            }
        }
        Ok(operations)
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a OaOperation,
        path_params: &'a [ReferenceOr<Parameter>],
        pointer: &str,
    ) -> Result<Operation, Error> {
        let method = parse_method(method, pointer)?;
        let id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{}{}", method.as_str().to_lowercase(), pascal(path)));
        let type_prefix = pascal(&id);
        let group = extension_str(&op.extensions, "x-speakeasy-group")
            .or(op.tags.first().map(String::as_str))
            .map(snake)
            .unwrap_or_else(|| "default".to_string());
        let name = snake(extension_str(&op.extensions, "x-speakeasy-name-override").unwrap_or(&id));

        let mut params: Vec<Param> = Vec::new();
        let mut arg_names = Scope::new();
        for reserved in ["params", "body", "self"] {
            arg_names.claim(reserved);
        }
        let op_params = op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{pointer}/parameters/{i}")));
        let shared = path_params.iter().enumerate().map(|(i, p)| {
            (
                p,
                format!(
                    "{}/parameters/{i}",
                    pointer.rsplit_once('/').map_or(pointer, |(a, _)| a)
                ),
            )
        });
        for (param, param_pointer) in op_params.chain(shared) {
            let (param, param_pointer) =
                self.resolve_component(param, "parameters", |c| &c.parameters, &param_pointer)?;
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => {
                    return Err(Error::Unsupported {
                        pointer: param_pointer,
                        message: "cookie parameters (the client sends no cookies)".into(),
                    });
                }
            };
            if params
                .iter()
                .any(|p| p.name == data.name && p.location == location)
            {
                continue; // an operation's own parameter overrides the path's
            }
            let hint = format!("{type_prefix}{}", pascal(&data.name));
            let order_by =
                conventions::order_by(data.extensions.get(conventions::ORDER_BY), &param_pointer)?;
            let (ty, constraints) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let schema_pointer = format!("{param_pointer}/schema");
                    let ty = self.type_ref(schema.into(), &hint, &schema_pointer)?.0;
                    let mut constraints = constraints_of(schema.into());
                    if data.example.is_some() {
                        constraints.example = data.example.clone();
                    }
                    let ty = match order_by {
                        None => ty,
                        Some(_) if ty != TypeRef::String || location != ParamLocation::Query => {
                            return Err(Error::Convention {
                                pointer: format!("{param_pointer}/{}", conventions::ORDER_BY),
                                message: "an ordering must be a string query parameter".into(),
                            });
                        }
                        Some(fields) => {
                            let kind = enum_kind(fields.iter().map(String::as_str));
                            TypeRef::Order(Box::new(TypeRef::Named(self.define(
                                &hint,
                                &schema_pointer,
                                None,
                                kind,
                            ))))
                        }
                    };
                    (ty, constraints)
                }
                ParameterSchemaOrContent::Content(_) => {
                    return Err(Error::Unsupported {
                        pointer: param_pointer,
                        message: "a parameter with `content` instead of `schema`".into(),
                    });
                }
            };
            params.push(Param {
                name: data.name.clone(),
                rust_name: arg_names.claim(&snake(&data.name)),
                location,
                required: data.required || location == ParamLocation::Path,
                ty,
                description: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
                explode: data.explode.unwrap_or(true),
                constraints,
            });
        }

        let body = match &op.request_body {
            None => None,
            Some(body) => {
                Some(self.request_body(body, &type_prefix, &format!("{pointer}/requestBody"))?)
            }
        };

        let mut responses = Vec::new();
        let declared = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => Status::Code(*c),
                    StatusCode::Range(r) => Status::Range(*r),
                };
                (status, r)
            })
            .chain(op.responses.default.as_ref().map(|r| (Status::Default, r)));
        for (status, response) in declared {
            let response_pointer = format!("{pointer}/responses/{status}");
            let hint = if status.is_success() {
                format!("{type_prefix}Response")
            } else {
                format!("{type_prefix}Error")
            };
            responses.push(self.response(status, response, &hint, &response_pointer)?);
        }
        responses.sort_by_key(|r| r.status);
        let success = self.union(
            responses.iter().filter(|r| r.status.is_success()),
            &format!("{type_prefix}Response"),
            pointer,
        );
        let error = self.union(
            responses.iter().filter(|r| !r.status.is_success()),
            &format!("{type_prefix}Error"),
            pointer,
        );

        let declared = |key: &str| op.extensions.get(key);
        let pagination = conventions::pagination(
            declared(conventions::PAGINATION),
            pointer,
            &params,
            success.as_ref(),
            &self.types,
        )?;
        let metadata = conventions::metadata(
            declared(conventions::METADATA),
            pointer,
            body.as_ref(),
            &self.types,
        )?;
        let destructive = conventions::destructive(declared(conventions::DESTRUCTIVE), pointer)?;
        let aliases = conventions::aliases(declared(conventions::ALIASES), pointer)?;
        let auth = conventions::auth(
            declared(conventions::AUTH),
            pointer,
            body.as_ref(),
            &self.types,
        )?;
        Ok(Operation {
            id,
            method,
            path: path.to_string(),
            group,
            name,
            tags: op.tags.clone(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            success,
            error,
            pagination,
            metadata,
            destructive,
            aliases,
            auth,
            pointer: pointer.to_string(),
        })
    }

    fn union<'r>(
        &mut self,
        responses: impl Iterator<Item = &'r Response>,
        hint: &str,
        pointer: &str,
    ) -> Option<TypeRef> {
        let mut distinct: Vec<&TypeRef> = Vec::new();
        for ty in responses.filter_map(|r| r.ty.as_ref()) {
            if !distinct.contains(&ty) {
                distinct.push(ty);
            }
        }
        match distinct.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            many => {
                let mut names = Scope::new();
                let variants = many
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| Variant {
                        name: names.claim(&variant_name(ty, i)),
                        ty: (*ty).clone(),
                        tags: Vec::new(),
                    })
                    .collect();
                let kind = TypeKind::OneOf(OneOf {
                    discriminator: None,
                    variants,
                });
                Some(TypeRef::Named(self.define(hint, pointer, None, kind)))
            }
        }
    }

    /// An item, or the `components` entry its `$ref` names, with the
    /// JSON pointer of what was found. `section` is the components map
    /// (`parameters`, `requestBodies`, `responses`) that `entries` reads.
    fn resolve_component<T>(
        &self,
        item: &'a ReferenceOr<T>,
        section: &str,
        entries: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
        pointer: &str,
    ) -> Result<(&'a T, String), Error> {
        match item {
            ReferenceOr::Item(found) => Ok((found, pointer.to_string())),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix(&format!("#/components/{section}/"));
                match key.and_then(|k| entries(self.spec.components.as_ref()?).get(k)) {
                    Some(ReferenceOr::Item(found)) => Ok((
                        found,
                        format!(
                            "/components/{section}/{}",
                            escape_pointer(key.unwrap_or_default())
                        ),
                    )),
                    _ => Err(Error::DanglingRef {
                        pointer: pointer.to_string(),
                        reference: reference.clone(),
                    }),
                }
            }
        }
    }

    fn request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        type_prefix: &str,
        pointer: &str,
    ) -> Result<RequestBody, Error> {
        let (body, pointer) =
            self.resolve_component(body, "requestBodies", |c| &c.request_bodies, pointer)?;
        let choice = [
            ("application/json", BodyEncoding::Json),
            ("multipart/form-data", BodyEncoding::Multipart),
            (
                "application/x-www-form-urlencoded",
                BodyEncoding::FormUrlEncoded,
            ),
        ]
        .into_iter()
        .find_map(|(media, encoding)| body.content.get(media).map(|m| (media, encoding, m)));
        let Some((media, encoding, media_type)) = choice else {
            return Err(Error::Unsupported {
                pointer,
                message: format!(
                    "request body media types {:?}: expected JSON, multipart or form data",
                    body.content.keys().collect::<Vec<_>>()
                ),
            });
        };
        let content_pointer = format!("{pointer}/content/{}", escape_pointer(media));
        let hint = format!("{type_prefix}Body");
        let schema_pointer = format!("{content_pointer}/schema");
        let ty = match &media_type.schema {
            Some(schema) => match self.shape(schema.into(), &hint, &schema_pointer)?.0 {
                Shape::Ref(ty) => ty,
                Shape::Kind(kind) => {
                    let description = match schema {
                        ReferenceOr::Item(s) => s.schema_data.description.clone(),
                        ReferenceOr::Reference { .. } => None,
                    };
                    TypeRef::Named(self.define_own(&hint, &schema_pointer, description, kind))
                }
            },
            None => self.untyped(&content_pointer, "request body without a schema"),
        };
        Ok(RequestBody {
            encoding,
            ty,
            required: body.required,
            description: body.description.clone(),
            example: media_type.example.clone(),
            constraints: media_type
                .schema
                .as_ref()
                .map(|schema| constraints_of(schema.into()))
                .unwrap_or_default(),
        })
    }

    fn response(
        &mut self,
        status: Status,
        response: &'a ReferenceOr<openapiv3::Response>,
        hint: &str,
        pointer: &str,
    ) -> Result<Response, Error> {
        let (response, pointer) =
            self.resolve_component(response, "responses", |c| &c.responses, pointer)?;
        let json = response
            .content
            .iter()
            .find(|(media, _)| media.as_str() == "application/json" || media.ends_with("+json"));
        let ty = match json {
            None if response.content.is_empty() => None,
            None => {
                let media: Vec<&String> = response.content.keys().collect();
                self.untyped(
                    &pointer,
                    &format!(
                        "response media types {media:?} are not JSON: the body is not decoded"
                    ),
                );
                None
            }
            Some((media, media_type)) => {
                let content_pointer = format!("{pointer}/content/{}", escape_pointer(media));
                Some(match &media_type.schema {
                    Some(schema) => {
                        self.type_ref(schema.into(), hint, &format!("{content_pointer}/schema"))?
                            .0
                    }
                    None => self.untyped(&content_pointer, "response without a schema"),
                })
            }
        };
        Ok(Response {
            status,
            description: response.description.clone(),
            ty,
        })
    }
}

/// The example, default, format and bounds a schema states itself (a
/// `$ref` states none: its target does).
fn constraints_of(s: Sch<'_>) -> Constraints {
    let Sch::Item(schema) = s else {
        return Constraints::default();
    };
    let text = |format: &dyn erased::ToJson| format.to_json().as_str().map(str::to_string);
    let mut c = Constraints {
        example: schema.schema_data.example.clone(),
        default: schema.schema_data.default.clone(),
        ..Constraints::default()
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            c.format = text(&t.format);
            c.pattern = t.pattern.clone();
            c.min_length = t.min_length.map(|n| n as u64);
            c.max_length = t.max_length.map(|n| n as u64);
        }
        SchemaKind::Type(Type::Integer(t)) => {
            c.minimum = t.minimum.map(|n| n as f64);
            c.maximum = t.maximum.map(|n| n as f64);
        }
        SchemaKind::Type(Type::Number(t)) => {
            c.minimum = t.minimum;
            c.maximum = t.maximum;
        }
        SchemaKind::Type(Type::Array(t)) => {
            c.min_items = t.min_items.map(|n| n as u64);
            c.items = t
                .items
                .as_ref()
                .map(|items| constraints_of(items.into()))
                .filter(|items| !items.is_empty())
                .map(Box::new);
        }
        SchemaKind::Any(a) => {
            c.format = a.format.clone();
            c.pattern = a.pattern.clone();
            c.min_length = a.min_length.map(|n| n as u64);
            c.max_length = a.max_length.map(|n| n as u64);
            c.minimum = a.minimum;
            c.maximum = a.maximum;
            c.min_items = a.min_items.map(|n| n as u64);
            c.items = a
                .items
                .as_ref()
                .map(|items| constraints_of(items.into()))
                .filter(|items| !items.is_empty())
                .map(Box::new);
        }
        _ => {}
    }
    c
}

/// Formats as the spec writes them (`date-time`), through serde.
mod erased {
    pub trait ToJson {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> ToJson for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}

fn enum_kind<'s>(values: impl Iterator<Item = &'s str>) -> TypeKind {
    let mut names = Scope::new();
    // `Unknown` is the variant for values the spec does not list.
    names.claim("Unknown");
    TypeKind::Enum(
        values
            .map(|value| EnumValue {
                value: value.to_string(),
                variant: names.claim(&pascal(value)),
            })
            .collect(),
    )
}

fn variant_name(ty: &TypeRef, index: usize) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F64 => "Number".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::Binary => "Binary".into(),
        TypeRef::Array(_) => "Array".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Json => format!("Variant{}", index + 1),
        TypeRef::Order(_) => "Order".into(),
    }
}

fn parse_method(method: &str, pointer: &str) -> Result<Method, Error> {
    Ok(match method {
        "get" => Method::Get,
        "post" => Method::Post,
        "put" => Method::Put,
        "patch" => Method::Patch,
        "delete" => Method::Delete,
        "head" => Method::Head,
        "options" => Method::Options,
        "trace" => Method::Trace,
        other => {
            return Err(Error::Unsupported {
                pointer: pointer.to_string(),
                message: format!("HTTP method {other:?}"),
            });
        }
    })
}

/// Says what each inline type is to where it was found, from its JSON
/// pointer: the longest prefix that is an operation, an event or another
/// named type is its parent, and the rest is the way in
/// (`properties/verification` → field `verification`).
fn assign_roles(
    operations: &[Operation],
    events: &[Event],
    types: &mut BTreeMap<String, NamedType>,
) {
    let by_pointer: HashMap<String, String> = types
        .values()
        .map(|t| (t.pointer.clone(), t.name.clone()))
        .collect();
    let ops: HashMap<&str, &Operation> =
        operations.iter().map(|o| (o.pointer.as_str(), o)).collect();
    let event_at: HashMap<&str, &Event> = events.iter().map(|e| (e.pointer.as_str(), e)).collect();
    let mut roles = Vec::new();
    for named in types.values() {
        if named
            .pointer
            .strip_prefix("/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'))
        {
            continue;
        }
        let segments: Vec<&str> = named.pointer.split('/').collect();
        let role = (1..segments.len()).rev().find_map(|cut| {
            let prefix = segments[..cut].join("/");
            let rest = &segments[cut..];
            let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
            if let Some(op) = ops.get(prefix.as_str()) {
                let (group, method) = (op.group.clone(), op.name.clone());
                return Some(match rest {
                    ["requestBody", ..] => Role::RequestBody { group, method },
                    ["responses", status, ..] => Role::Response {
                        group,
                        method,
                        status: status.to_string(),
                    },
                    ["parameters", index, ..] => {
                        let param = index
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| op.params.get(i))
                            .map(|p| p.name.clone())
                            .unwrap_or_default();
                        Role::Param {
                            group,
                            method,
                            param,
                        }
                    }
                    _ => return None,
                });
            }
            if let Some(event) = prefix.rsplit_once('/').and_then(|(p, _)| event_at.get(p)) {
                return Some(Role::Event {
                    name: event.name.clone(),
                });
            }
            let parent = by_pointer.get(&prefix)?;
            if parent == &named.name {
                return None;
            }
            let mut path = String::new();
            let mut variant = None;
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "properties" if i + 1 < rest.len() => {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(&unescape(rest[i + 1]));
                        i += 2;
                    }
                    "items" => {
                        path.push_str("[]");
                        i += 1;
                    }
                    "additionalProperties" => {
                        path.push_str("{}");
                        i += 1;
                    }
                    "oneOf" | "anyOf" if i + 1 < rest.len() && path.is_empty() => {
                        variant = rest[i + 1].parse::<usize>().ok();
                        i += 2;
                    }
                    "allOf" | "oneOf" | "anyOf" if i + 1 < rest.len() => i += 2,
                    "schema" | "content" => i += 1,
                    _ => i += 1,
                }
            }
            Some(match (variant, path.is_empty()) {
                (Some(index), true) => Role::Variant {
                    parent: parent.clone(),
                    index,
                },
                _ => Role::Field {
                    parent: parent.clone(),
                    path,
                },
            })
        });
        roles.push((named.name.clone(), role));
    }
    for (name, role) in roles {
        if let Some(named) = types.get_mut(&name) {
            named.role = role;
        }
    }
}

/// Marks every struct reachable from a request body or parameter as part
/// of a request.
fn mark_request_types(operations: &[Operation], types: &mut BTreeMap<String, NamedType>) {
    let mut pending: Vec<String> = Vec::new();
    let push_named = |ty: &TypeRef, pending: &mut Vec<String>| {
        let mut stack = vec![ty];
        while let Some(t) = stack.pop() {
            match t {
                TypeRef::Named(n) => pending.push(n.clone()),
                TypeRef::Array(inner) | TypeRef::Map(inner) => stack.push(inner),
                _ => {}
            }
        }
    };
    for op in operations {
        if let Some(body) = &op.body {
            push_named(&body.ty, &mut pending);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(named) = types.get_mut(&name) else {
            continue;
        };
        let mut children = Vec::new();
        match &mut named.kind {
            TypeKind::Struct(s) => {
                s.in_request = true;
                children.extend(s.fields.iter().map(|f| f.ty.clone()));
            }
            TypeKind::OneOf(o) => children.extend(o.variants.iter().map(|v| v.ty.clone())),
            TypeKind::Alias(t) => children.push(t.clone()),
            TypeKind::Enum(_) => {}
        }
        for child in &children {
            push_named(child, &mut pending);
        }
    }
}
