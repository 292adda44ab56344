//! One group of operations → one module: the group's accessor type with a
//! method per operation, and a `…Params` struct for each operation that
//! has optional parameters.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::Presence;
use super::{Group, doc, doc_text, ident, inner_doc, rust_type};
use crate::model::{
    Api, BodyEncoding, MetadataWrite, Operation, Pagination, Param, ParamLocation, TypeKind,
    TypeRef,
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
        let all = op.pagination.as_ref().map(|p| paginated(op, p));
        quote! { #method #all }
    });
    let params = group.operations.iter().filter_map(|op| params_struct(op));
    let accessor_doc = doc(&format!("The `{}` operations of the API.", group.module));
    quote! {
        #module_doc
        #![allow(deprecated)]

        #accessor_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #accessor<'a> {
            pub(super) client: &'a crate::Client,
        }

        impl<'c> #accessor<'c> {
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
    if let Some(write) = op.metadata {
        doc.push_str(&metadata_doc(api, op, write));
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
    doc
}

/// What the operation does to the metadata objects it is sent, with a
/// pointer to the merging operation where this one replaces.
fn metadata_doc(api: &Api, op: &Operation, write: MetadataWrite) -> String {
    let text = match write {
        MetadataWrite::Initial => {
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
    };
    format!("{text} Build the body with `with_metadata` and [`crate::Metadata`].")
}

/// The type of an argument: strings by `&str`, small values by value,
/// everything else by reference; references carry `lifetime` if given.
fn argument_type(ty: &TypeRef, lifetime: Option<&TokenStream>) -> TokenStream {
    match ty {
        TypeRef::String => quote! { &#lifetime str },
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => rust_type(ty),
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote! { &#lifetime [#inner] }
        }
        other => {
            let ty = rust_type(other);
            quote! { &#lifetime #ty }
        }
    }
}

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let doc = doc(&method_doc(api, op));
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
    let method = ident(op.method.as_str());
    let operation_id = &op.id;

    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| is_argument(p)) {
        let arg = ident(&p.rust_name);
        let ty = argument_type(&p.ty, None);
        args.push(quote! { #arg: #ty });
    }
    if let Some(body) = &op.body {
        let ty = rust_type(&body.ty);
        args.push(if body.required {
            quote! { body: &#ty }
        } else {
            quote! { body: Option<&#ty> }
        });
    }
    let has_params_struct = op.params.iter().any(|p| !is_argument(p));
    if has_params_struct {
        let params = ident(&params_name(op));
        args.push(quote! { params: &#params });
    }

    let path = path_expression(op);
    let mut steps = Vec::new();
    for p in op.params.iter().filter(|p| is_argument(p)) {
        let arg = ident(&p.rust_name);
        let wire = &p.name;
        match p.location {
            ParamLocation::Path | ParamLocation::Cookie => {}
            ParamLocation::Query if joined(p) => {
                steps.push(quote! { request.query_joined(#wire, #arg)?; })
            }
            ParamLocation::Query => steps.push(quote! { request.query(#wire, &#arg)?; }),
            ParamLocation::Header => steps.push(quote! { request.header(#wire, &#arg)?; }),
        }
    }
    if has_params_struct {
        steps.push(quote! { params.apply(&mut request)?; });
    }
    if let Some(body) = &op.body {
        let apply = body_step(api, &body.ty, body.encoding);
        steps.push(if body.required {
            quote! { #apply }
        } else {
            quote! { if let Some(body) = body { #apply } }
        });
    }

    let success = op.success.as_ref().map_or(quote! { () }, rust_type);
    let error = op
        .error
        .as_ref()
        .map_or(quote! { serde_json::Value }, rust_type);
    quote! {
        #doc
        #deprecated
        pub async fn #name(&self, #(#args),*) -> Result<#success, crate::Error<#error>> {
            #[allow(unused_mut)]
            let mut request = crate::__private::Request::new(reqwest::Method::#method, #path, #operation_id);
            #(#steps)*
            self.client.send(super::VERSION, request).await
        }
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
        BodyEncoding::Json => quote! { request.json(body)?; },
        BodyEncoding::FormUrlEncoded => quote! { request.form(body)?; },
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
                    quote! { form.text(#wire, value)?; }
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

/// `…Params`: the optional parameters of an operation, all defaulted.
fn params_struct(op: &Operation) -> Option<TokenStream> {
    let optional: Vec<&Param> = op.params.iter().filter(|p| !is_argument(p)).collect();
    if optional.is_empty() {
        return None;
    }
    let name = ident(&params_name(op));
    let struct_doc = doc(&format!(
        "Optional parameters of `{}` (`{} {}`); every field defaults to absent.",
        op.name,
        op.method.as_str(),
        op.path
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
    let steps = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let wire = &p.name;
        let add = match p.location {
            ParamLocation::Query if joined(p) => quote! { request.query_joined(#wire, value)?; },
            ParamLocation::Query => quote! { request.query(#wire, value)?; },
            _ => quote! { request.header(#wire, value)?; },
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
            fn apply(&self, request: &mut crate::__private::Request) -> Result<(), crate::__private::RequestError> {
                #(#steps)*
                Ok(())
            }
        }
    })
}

/// `{name}_all`: every item of a list operation, page after page, as a
/// stream (the runtime's `paginate` does the walking).
fn paginated(op: &Operation, pagination: &Pagination) -> TokenStream {
    let name = ident(&op.name);
    let all = ident(&pagination.method);
    let params_type = ident(&params_name(op));
    let item = rust_type(&pagination.item);
    let error = op
        .error
        .as_ref()
        .map_or(quote! { serde_json::Value }, rust_type);
    let args: Vec<&Param> = op.params.iter().filter(|p| is_argument(p)).collect();
    let arg_decls = args.iter().map(|p| {
        let arg = ident(&p.rust_name);
        let ty = argument_type(&p.ty, Some(&quote! { 'a }));
        quote! { #arg: #ty }
    });
    let arg_names: Vec<_> = args.iter().map(|p| ident(&p.rust_name)).collect();
    let items = match &pagination.items {
        None => quote! { response },
        Some(field) => {
            let field_name = ident(&field.rust_name);
            match super::types::presence(field, false) {
                Presence::Required => quote! { response.#field_name },
                _ => quote! { response.#field_name.unwrap_or_default() },
            }
        }
    };
    let total = match &pagination.total {
        None => quote! { None },
        Some(field) => {
            let field_name = ident(&field.rust_name);
            let widen = (field.ty == TypeRef::I32).then(|| quote! { .map(i64::from) });
            match super::types::presence(field, false) {
                Presence::Required => quote! { Some(response.#field_name) #widen },
                _ => quote! { response.#field_name #widen },
            }
        }
    };
    let (cursor_set, cursor_of) = match &pagination.cursor {
        Some(id) => {
            let id_field = ident(&id.rust_name);
            (
                quote! { if let Some(after) = page.after { params.starting_after = Some(after); } },
                quote! { Some(|item: &#item| item.#id_field.clone()) },
            )
        }
        None => (quote! {}, quote! { None }),
    };
    // `limit` and `offset` are i64 in most specs, f64 (`number`) in some.
    let param_type = |name: &str| {
        op.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.ty.clone())
    };
    let convert = |ty: Option<TypeRef>, value: TokenStream| match ty {
        Some(TypeRef::F64) => (quote! { .map(|v| v as i64) }, quote! { #value as f64 }),
        Some(TypeRef::I32) => (quote! { .map(i64::from) }, quote! { #value as i32 }),
        _ => (quote! {}, value),
    };
    let (limit_map, limit_out) = convert(param_type("limit"), quote! { page.limit });
    let offset_type = param_type("offset");
    let (offset_map, offset_out) = convert(offset_type.clone(), quote! { offset });
    let offset_set = match offset_type {
        Some(TypeRef::F64 | TypeRef::I32) => quote! { page.offset.map(|offset| #offset_out) },
        _ => quote! { page.offset },
    };
    let limit_in = quote! { params.limit #limit_map };
    let offset_in = quote! { params.offset #offset_map };
    let walk = if pagination.cursor.is_some() {
        "after the first page, each page starts after the last item's id (`starting_after`), which costs the same however deep the page"
    } else {
        "each page starts at the offset after the previous one"
    };
    let doc = doc(&format!(
        "Every item of [`{}`](Self::{}), page after page, as a stream.\n\n\
         Pages hold `params.limit` items (100 if unset) and start at `params.offset`; {walk}. \
         The walk stops after a short page or once `total_count` items were seen, and never \
         requests past them. Collect with `futures_util::TryStreamExt::try_collect`.",
        op.name, op.name
    ));
    quote! {
        #doc
        pub fn #all<'a>(self, #(#arg_decls,)* params: &'a #params_type)
            -> impl futures_util::Stream<Item = Result<#item, crate::Error<#error>>> + 'a
        where
            'c: 'a,
        {
            crate::__private::paginate(#limit_in, #offset_in, #cursor_of, move |page| {
                let mut params = params.clone();
                params.limit = Some(#limit_out);
                params.offset = #offset_set;
                #cursor_set
                async move {
                    let response = self.#name(#(#arg_names,)* &params).await?;
                    Ok(crate::__private::Page { total: #total, items: #items })
                }
            })
        }
    }
}
