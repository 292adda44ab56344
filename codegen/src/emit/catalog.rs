//! The operation catalog of one version, for the `clerk` CLI: every
//! operation's method, path, tag, group and name, texts, parameters, body
//! fields and responses, as static data, so that the binary needs no spec
//! at run time. The CLI's `catalog.rs` defines the types it fills
//! (`crate::catalog::Operation`…).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::Group;
use crate::diff::display;
use crate::model::{Api, MetadataWrite, Operation, TypeKind, TypeRef};

pub(super) fn emit(api: &Api, groups: &[Group<'_>]) -> TokenStream {
    let version = &api.version;
    let operations = groups.iter().flat_map(|group| {
        group
            .operations
            .iter()
            .map(move |op| operation(api, &group.module, op))
    });
    quote! {
        //! Every operation of this API version, for the CLI.

        /// The API version.
        pub const VERSION: &str = #version;

        /// Every operation, by group then name.
        pub static OPERATIONS: &[crate::catalog::Operation] = &[#(#operations),*];
    }
}

fn text(value: Option<&str>) -> String {
    value.map(str::trim).unwrap_or_default().to_string()
}

fn operation(api: &Api, group: &str, op: &Operation) -> TokenStream {
    let id = &op.id;
    let method = op.method.as_str();
    let path = &op.path;
    let tag = op
        .tags
        .first()
        .cloned()
        .unwrap_or_else(|| group.to_string());
    let name = &op.name;
    let summary = text(op.summary.as_deref());
    let description = text(op.description.as_deref());
    let deprecated = op.deprecated;
    let params = op.params.iter().map(|p| {
        let wire = &p.name;
        let location = p.location.as_str();
        let required = p.required;
        let ty = display(&p.ty);
        let description = text(p.description.as_deref());
        let values = enum_values(api, &p.ty);
        quote! {
            crate::catalog::Param { name: #wire, location: #location, required: #required, ty: #ty, description: #description, values: &[#(#values),*] }
        }
    });
    let body = match &op.body {
        None => quote! { None },
        Some(body) => {
            let required = body.required;
            let encoding = match body.encoding {
                crate::model::BodyEncoding::Json => "json",
                crate::model::BodyEncoding::Multipart => "multipart",
                crate::model::BodyEncoding::FormUrlEncoded => "form",
            };
            let fields = struct_fields(api, &body.ty).into_iter().map(|f| {
                let name = &f.name;
                let required = f.required;
                let ty = display(&f.ty);
                let description = text(f.description.as_deref());
                let values = enum_values(api, &f.ty);
                quote! {
                    crate::catalog::Param { name: #name, location: "body", required: #required, ty: #ty, description: #description, values: &[#(#values),*] }
                }
            });
            let mut schema = String::new();
            render(api, &body.ty, 0, &mut BTreeSet::new(), &mut schema);
            quote! {
                Some(crate::catalog::Body { encoding: #encoding, required: #required, fields: &[#(#fields),*], schema: #schema })
            }
        }
    };
    let responses = op.responses.iter().map(|r| {
        let status = r.status.to_string();
        let description = r.description.trim();
        let ty = r.ty.as_ref().map(display).unwrap_or_default();
        quote! { crate::catalog::Response { status: #status, description: #description, ty: #ty } }
    });
    let metadata = match op.metadata {
        None => "",
        Some(MetadataWrite::Merge) => "merge",
        Some(MetadataWrite::Replace) => "replace",
        Some(MetadataWrite::Initial) => "initial",
    };
    let paginated = op.pagination.is_some();
    quote! {
        crate::catalog::Operation {
            id: #id, method: #method, path: #path, tag: #tag, group: #group, name: #name,
            summary: #summary, description: #description, deprecated: #deprecated,
            params: &[#(#params),*], body: #body, responses: &[#(#responses),*],
            metadata: #metadata, paginated: #paginated,
        }
    }
}

/// The fields of a struct type (through aliases), or none.
fn struct_fields<'a>(api: &'a Api, ty: &TypeRef) -> Vec<&'a crate::model::Field> {
    match ty {
        TypeRef::Named(name) => match api.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s.fields.iter().collect(),
            Some(TypeKind::Alias(inner)) => struct_fields(api, inner),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The values of a string enum type (through aliases and arrays).
fn enum_values<'a>(api: &'a Api, ty: &TypeRef) -> Vec<&'a str> {
    match ty {
        TypeRef::Named(name) => match api.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Enum(values)) => values.iter().map(|v| v.value.as_str()).collect(),
            Some(TypeKind::Alias(inner)) => enum_values(api, inner),
            _ => Vec::new(),
        },
        TypeRef::Array(inner) => enum_values(api, inner),
        _ => Vec::new(),
    }
}

/// A schema as an indented tree: `name*: type — description`, `*` for
/// required, enum values listed, nested objects indented (each type once
/// per branch, three levels deep).
fn render(api: &Api, ty: &TypeRef, depth: usize, seen: &mut BTreeSet<String>, out: &mut String) {
    const MAX_DEPTH: usize = 3;
    let indent = "  ".repeat(depth);
    for f in struct_fields(api, ty) {
        let mark = if f.required { "*" } else { "" };
        let nullable = if f.nullable { " | null" } else { "" };
        out.push_str(&format!(
            "{indent}{}{mark}: {}{nullable}",
            f.name,
            display(&f.ty)
        ));
        let values = enum_values(api, &f.ty);
        if !values.is_empty() {
            out.push_str(&format!(" (one of: {})", values.join(", ")));
        }
        if let Some(d) = f
            .description
            .as_deref()
            .and_then(|d| d.trim().lines().next())
        {
            out.push_str(&format!(" — {d}"));
        }
        out.push('\n');
        let inner = match &f.ty {
            TypeRef::Array(inner) => inner.as_ref(),
            other => other,
        };
        if let TypeRef::Named(name) = inner
            && depth + 1 < MAX_DEPTH
            && !struct_fields(api, inner).is_empty()
            && seen.insert(name.clone())
        {
            render(api, inner, depth + 1, seen, out);
            seen.remove(name);
        }
    }
}
