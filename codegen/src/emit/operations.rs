//! One group of operations → one module: the group's accessor type with a
//! method per operation, each returning a [`Call`] value, and a `…Params`
//! struct for each operation that has optional parameters.
//!
//! [`Call`]: https://docs.rs/clerk-api/latest/clerk_api/struct.Call.html

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{Presence, setter};
use super::{Group, doc, doc_text, ident, inner_doc, rust_type};
use crate::model::{
    Api, BodyEncoding, MetadataWrite, Method, Operation, Pagination, Param, ParamLocation,
    TypeKind, TypeRef,
};
use crate::naming::pascal;

pub(super) fn emit(api: &Api, group: &Group<'_>) -> TokenStream {
    let accessor = ident(&group.accessor);
    let module_doc = inner_doc(&format!(
        "The `{}` operations: {}.",
        group.module,
        group
            .operations
            .iter()
            .map(|o| format!("[`{}::{}`]", group.accessor, o.name))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let methods = group.operations.iter().map(|op| {
        let method = method(api, op);
        let aliases = op.aliases.iter().map(|alias| alias_method(api, op, alias));
        quote! { #method #(#aliases)* }
    });
    let params = group.operations.iter().filter_map(|op| params_struct(op));
    let accessor_doc = doc(&format!(
        "The `{}` operations of the API. Each method builds a [`Call`](crate::Call): \
         await it to send it.",
        group.module
    ));
    quote! {
        #module_doc
        #![allow(deprecated)]

        #accessor_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #accessor<'a> {
            pub(super) client: &'a super::Client,
        }

        impl #accessor<'_> {
            #(#methods)*
        }

        #(#params)*
    }
}

/// Parameters that are method arguments: path parameters and required
/// others, so that none can be forgotten.
fn is_argument(p: &Param) -> bool {
    p.location == ParamLocation::Path || p.required
}

/// An array sent as one comma-separated value (`explode: false`) rather
/// than as repeated keys.
fn joined(p: &Param) -> bool {
    !p.explode && matches!(p.ty, TypeRef::Array(_))
}

fn params_name(op: &Operation) -> String {
    format!("{}Params", pascal(&op.name))
}

fn method_doc(api: &Api, op: &Operation) -> String {
    let mut doc = doc_text(op.summary.as_deref(), op.description.as_deref());
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    if let Some(destroyed) = &op.destructive {
        doc.push_str(&format!("**Irreversible.** Destroys {destroyed}.\n\n"));
    }
    if let Some(write) = op.metadata {
        doc.push_str(&metadata_doc(api, op, write));
        doc.push_str("\n\n");
    }
    if let Some(pagination) = &op.pagination {
        doc.push_str(&pages_doc(pagination));
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "`{} {}` · operation `{}`",
        op.method.as_str(),
        op.path,
        op.id
    ));
    if !op.tags.is_empty() {
        doc.push_str(&format!(" · tag `{}`", op.tags.join("`, `")));
    }
    let errors: Vec<String> = op
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .map(|r| r.status.to_string())
        .collect();
    if !errors.is_empty() {
        doc.push_str(&format!(
            "\n\nDeclared error statuses: {}; their bodies decode into the error's `body`.",
            errors.join(", ")
        ));
    }
    let idempotent = matches!(
        op.method,
        Method::Get | Method::Head | Method::Put | Method::Delete | Method::Options
    );
    doc.push_str(if idempotent {
        "\n\nRetried by the client's retry policy on 429 (after `Retry-After`), 5XX and \
         connection failures."
    } else {
        "\n\nRetried by the client's retry policy on 429 (after `Retry-After`); not on 5XX or \
         connection failures unless the policy allows non-idempotent retries."
    });
    doc
}

fn pages_doc(pagination: &Pagination) -> String {
    let walk = match &pagination.cursor {
        Some(cursor) => {
            let condition = match &cursor.requires {
                Some(requires) => format!(
                    " while `{}` is absent or one of {}",
                    requires.param,
                    requires
                        .values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => String::new(),
            };
            format!(
                "after the first page, `{}` takes the last item's `{}`{condition} (otherwise \
                 pages keep to offsets)",
                cursor.param, cursor.field.name
            )
        }
        None => "each page starts where the previous one ended".to_string(),
    };
    format!(
        "**A list.** Awaiting the call gives one page; [`stream`](crate::Call::stream) gives \
         every item of every page, and [`collect_all`](crate::Call::collect_all) collects \
         them. Pages hold `{}` items (100 if unset) from `{}`; {walk}.",
        pagination.limit, pagination.offset
    )
}

/// What the operation does to the metadata objects it is sent, with a
/// pointer to the merging operation where this one replaces.
fn metadata_doc(api: &Api, op: &Operation, write: MetadataWrite) -> String {
    match write {
        MetadataWrite::Create => {
            "**Metadata:** the new resource starts with the `*_metadata` objects sent.".to_string()
        }
        MetadataWrite::Merge => {
            "**Metadata: deep merge.** Each `*_metadata` object sent is merged \
             into the stored one, nested objects too: keys not sent are kept, a key sent as \
             `null` is removed. Objects not sent are left unchanged."
                .to_string()
        }
        MetadataWrite::Replace => {
            let mut text = "**Metadata: replace.** Each `*_metadata` object sent replaces the \
                 stored one as a whole; objects not sent are left unchanged."
                .to_string();
            let merge = api.operations.iter().find(|m| {
                m.metadata == Some(MetadataWrite::Merge)
                    && m.group == op.group
                    && (m.path == op.path || m.path == format!("{}/metadata", op.path))
            });
            if let Some(merge) = merge {
                text.push_str(&format!(
                    " To change some keys only, merge with [`{0}`](Self::{0}).",
                    merge.name
                ));
            }
            text
        }
    }
}

/// The type of an argument: strings by `&str`, small values by value,
/// everything else by reference.
fn argument_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { &str },
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => rust_type(ty),
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote! { &[#inner] }
        }
        other => {
            let ty = rust_type(other);
            quote! { &#ty }
        }
    }
}

/// The method's arguments, as declarations and as names.
fn arguments(op: &Operation) -> (Vec<TokenStream>, Vec<proc_macro2::Ident>) {
    let mut declarations = Vec::new();
    let mut names = Vec::new();
    for p in op.params.iter().filter(|p| is_argument(p)) {
        let arg = ident(&p.rust_name);
        let ty = argument_type(&p.ty);
        declarations.push(quote! { #arg: #ty });
        names.push(arg);
    }
    if let Some(body) = &op.body {
        let ty = rust_type(&body.ty);
        declarations.push(quote! { body: &#ty });
        names.push(ident("body"));
    }
    if op.params.iter().any(|p| !is_argument(p)) {
        let params = ident(&params_name(op));
        declarations.push(quote! { params: &#params });
        names.push(ident("params"));
    }
    (declarations, names)
}

/// The type the method returns: the version's `Call` of its success type,
/// paged for list operations.
fn call_type(api: &Api, op: &Operation) -> TokenStream {
    let success = op.success.as_ref().map_or(quote! { () }, rust_type);
    let pages = op.pagination.as_ref().map(|p| {
        let item = rust_type(&p.item);
        quote! { crate::Paged<#item> }
    });
    match (&op.error, super::common_error(api)) {
        (Some(error), Some(common)) if *error == common => match pages {
            Some(pages) => quote! { super::Call<#success, #pages> },
            None => quote! { super::Call<#success> },
        },
        (error, _) => {
            let error = error.as_ref().map_or(quote! { () }, rust_type);
            let pages = pages.unwrap_or(quote! { crate::Single });
            quote! { crate::Call<#success, #error, #pages> }
        }
    }
}

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let doc = doc(&method_doc(api, op));
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
    let method = ident(op.method.as_str());
    let operation_id = &op.id;
    let (args, _) = arguments(op);

    let path = path_expression(op);
    let mut steps = Vec::new();
    for p in op.params.iter().filter(|p| is_argument(p)) {
        let arg = ident(&p.rust_name);
        let wire = &p.name;
        match p.location {
            ParamLocation::Path | ParamLocation::Cookie => {}
            ParamLocation::Query if joined(p) => {
                steps.push(quote! { request.query_joined(#wire, #arg); })
            }
            ParamLocation::Query => steps.push(quote! { request.query(#wire, &#arg); }),
            ParamLocation::Header => steps.push(quote! { request.header(#wire, &#arg); }),
        }
    }
    if op.params.iter().any(|p| !is_argument(p)) {
        steps.push(quote! { params.apply(&mut request); });
    }
    if let Some(body) = &op.body {
        steps.push(body_step(api, &body.ty, body.encoding));
    }
    let mutable = (!steps.is_empty()).then(|| quote! { mut });
    let call_type = call_type(api, op);
    let paged = op.pagination.as_ref().map(page_rule);
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#args),*) -> #call_type {
            let #mutable request = crate::__private::Request::new(reqwest::Method::#method, #path, #operation_id);
            #(#steps)*
            crate::__private::Call::new(&self.client.config, super::VERSION, request) #paged
        }
    }
}

/// A former name of an operation, kept for one release.
fn alias_method(api: &Api, op: &Operation, alias: &str) -> TokenStream {
    let name = ident(&op.name);
    let alias_name = ident(alias);
    let (args, names) = arguments(op);
    let call_type = call_type(api, op);
    let note = format!("renamed `{}`", op.name);
    let doc = doc(&format!(
        "Former name of [`{0}`](Self::{0}), kept for one release.",
        op.name
    ));
    quote! {
        #doc
        #[deprecated(note = #note)]
        pub fn #alias_name(&self, #(#args),*) -> #call_type {
            self.#name(#(#names),*)
        }
    }
}

/// `.paged(rule, cursor)`: the declared pagination, as the runtime's rule.
fn page_rule(pagination: &Pagination) -> TokenStream {
    let limit = &pagination.limit;
    let offset = &pagination.offset;
    let items = pagination.items.as_ref().map(|f| {
        let name = &f.name;
        quote! { .items(#name) }
    });
    let total = pagination.total.as_ref().map(|f| {
        let name = &f.name;
        quote! { .total(#name) }
    });
    let item = rust_type(&pagination.item);
    let (cursor, cursor_of) = match &pagination.cursor {
        Some(cursor) => {
            let param = &cursor.param;
            let field = &cursor.field.name;
            let field_ident = ident(&cursor.field.rust_name);
            let requires = cursor.requires.as_ref().map(|r| {
                let param = &r.param;
                let values = &r.values;
                quote! { .cursor_requires(#param, [#(#values),*]) }
            });
            (
                quote! { .cursor(#param, #field) #requires },
                quote! { Some(|item: &#item| Some(item.#field_ident.clone())) },
            )
        }
        None => (quote! {}, quote! { None }),
    };
    quote! {
        .paged(
            crate::__private::PageRule::offset(#limit, #offset) #items #total #cursor,
            #cursor_of,
        )
    }
}

/// `"/users"` or `["/users/", &path_segment(&user_id), "/ban"].concat()`:
/// an expression without a macro, so that it formats and reads plainly.
fn path_expression(op: &Operation) -> TokenStream {
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let (Some(start), Some(end)) = (rest.find('{'), rest.find('}')) {
        if end < start {
            break;
        }
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote! { #literal });
        }
        let name = &rest[start + 1..end];
        match op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name)
        {
            Some(p) => {
                let arg = ident(&p.rust_name);
                pieces.push(quote! { &crate::__private::path_segment(&#arg) });
            }
            None => {
                let placeholder = &rest[start..=end];
                pieces.push(quote! { #placeholder });
            }
        }
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote! { #rest });
    }
    match pieces.as_slice() {
        [single] => quote! { String::from(#single) },
        _ => quote! { [#(#pieces),*].concat() },
    }
}

fn body_step(api: &Api, ty: &TypeRef, encoding: BodyEncoding) -> TokenStream {
    match encoding {
        BodyEncoding::Json => quote! { request.json(body); },
        BodyEncoding::FormUrlEncoded => quote! { request.form(body); },
        BodyEncoding::Multipart => {
            let fields = match ty {
                TypeRef::Named(n) => match api.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct(s)) => s.fields.as_slice(),
                    _ => &[],
                },
                _ => &[],
            };
            let parts = fields.iter().map(|f| {
                let field = ident(&f.rust_name);
                let wire = &f.name;
                let add = if f.ty == TypeRef::Binary {
                    quote! { form.file(#wire, value); }
                } else {
                    quote! { form.text(#wire, value); }
                };
                match super::types::presence(f, true) {
                    Presence::Required => quote! { { let value = &body.#field; #add } },
                    Presence::Option { .. } => {
                        quote! { if let Some(value) = &body.#field { #add } }
                    }
                    Presence::Nullable => {
                        quote! { if let crate::Nullable::Value(value) = &body.#field { #add } }
                    }
                }
            });
            quote! {
                let mut form = crate::__private::Multipart::new();
                #(#parts)*
                request.multipart(form);
            }
        }
    }
}

/// `…Params`: the optional parameters of an operation, all defaulted, with
/// a chainable setter each.
fn params_struct(op: &Operation) -> Option<TokenStream> {
    let optional: Vec<&Param> = op.params.iter().filter(|p| !is_argument(p)).collect();
    if optional.is_empty() {
        return None;
    }
    let name = ident(&params_name(op));
    let struct_doc = doc(&format!(
        "Optional parameters of [`{}`]({}::{}) (`{} {}`); every field defaults to absent, \
         and each has a setter: `{}::default().{}(…)`.",
        op.name,
        pascal(&op.group),
        op.name,
        op.method.as_str(),
        op.path,
        params_name(op),
        optional[0].rust_name,
    ));
    let fields = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = match &p.ty {
            TypeRef::Array(_) => rust_type(&p.ty),
            other => {
                let t = rust_type(other);
                quote! { Option<#t> }
            }
        };
        let text = doc(&format!(
            "{}`{}` in {}.",
            p.description
                .as_deref()
                .map(|d| format!("{}\n\n", d.trim()))
                .unwrap_or_default(),
            p.name,
            p.location.as_str()
        ));
        let deprecated = p.deprecated.then(|| quote! { #[deprecated] });
        quote! { #text #deprecated pub #field: #ty, }
    });
    let setters = optional.iter().map(|p| {
        let presence = match p.ty {
            TypeRef::Array(_) => Presence::Required,
            _ => Presence::Option { skip_none: true },
        };
        setter(&p.rust_name, &p.name, &p.ty, presence, p.deprecated)
    });
    let steps = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let wire = &p.name;
        let add = match p.location {
            ParamLocation::Query if joined(p) => quote! { request.query_joined(#wire, value); },
            ParamLocation::Query => quote! { request.query(#wire, value); },
            _ => quote! { request.header(#wire, value); },
        };
        match &p.ty {
            TypeRef::Array(_) => {
                quote! { if !self.#field.is_empty() { let value = &self.#field; #add } }
            }
            _ => quote! { if let Some(value) = &self.#field { #add } },
        }
    });
    Some(quote! {
        #struct_doc
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #(#setters)*

            fn apply(&self, request: &mut crate::__private::Request) {
                #(#steps)*
            }
        }
    })
}
