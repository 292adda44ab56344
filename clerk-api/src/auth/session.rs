//! A verified session: Clerk's two session-token formats read into one
//! type, and the authorization checks of Clerk's `has()`.
//!
//! The rules follow Clerk's JavaScript SDK, `clerk/javascript`:
//! `packages/shared/src/jwtPayloadParser.ts` (v1 `org_*` claims; v2 `o`,
//! `fea`, and the organization permissions built from `o.per` and `o.fpm`)
//! and `packages/shared/src/authorization.ts` (`checkOrgAuthorization`,
//! `checkBillingAuthorization`, `splitByScope`: a requested check that
//! cannot be satisfied, or whose claim is missing, fails).

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{AuthError, shown};

/// A verified, signed-in session: who is calling, in which organization,
/// with which role, permissions, features and plans.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Session {
    /// The user (`sub`), e.g. `user_2NNEqL2nrIRdJ194ndJqAHwEfxC`.
    pub user_id: String,
    /// The session (`sid`).
    pub session_id: String,
    /// `sts`; [`SessionStatus::Active`] when the instance does not send it.
    pub status: SessionStatus,
    /// The active organization, if any.
    pub organization: Option<ActiveOrganization>,
    /// Who is acting on the user's behalf (`act`), for impersonation.
    pub actor: Option<Actor>,
    /// Features of the user's and the organization's plans (`fea`).
    pub features: Scoped,
    /// The user's and the organization's plans (`pla`).
    pub plans: Scoped,
    /// Minutes since the first and second factor were last verified
    /// (`fva`; `-1`: that factor is not set up).
    pub factor_verification_age: Option<[i64; 2]>,
    /// The session token format: 1, or 2 (`v: 2`).
    pub format: u8,
    /// `iss`: the instance's Frontend API URL.
    pub issuer: Option<String>,
    /// `azp`: the origin the token was minted for.
    pub authorized_party: Option<String>,
    /// `iat`, `nbf`, `exp`: seconds since the epoch.
    pub issued_at: Option<i64>,
    pub not_before: Option<i64>,
    pub expires_at: i64,
    /// Shared, so that handing a session to a handler copies no claims.
    claims: Arc<Map<String, Value>>,
}

/// `sts`: whether the session is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionStatus {
    Active,
    /// Signed in, but a task (such as choosing an organization) is not done.
    Pending,
}

/// The organization a session has active.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActiveOrganization {
    pub id: String,
    pub slug: Option<String>,
    /// The role, with its `org:` prefix (`org:admin`).
    pub role: Option<String>,
    /// The permissions, `org:<feature>:<permission>` (`org:invoices:read`).
    pub permissions: Vec<String>,
}

/// `act`: the actor of an impersonation session.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Actor {
    /// The actor's user id.
    pub subject: String,
    /// Every field of the claim.
    pub claims: Map<String, Value>,
}

/// Values of a `fea` or `pla` claim by scope: the user's and the active
/// organization's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scoped {
    pub user: Vec<String>,
    pub organization: Vec<String>,
}

/// What a route or a check requires of a session, as in Clerk's `has()`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Requirement {
    /// The active organization role (`org:admin`; the `org:` prefix may be
    /// left out).
    Role(String),
    /// An organization permission (`org:invoices:read`).
    Permission(String),
    /// A feature of a plan, by id or scoped: `u:` / `user:` for the user's,
    /// `o:` / `org:` / `organization:` for the organization's.
    Feature(String),
    /// A plan, scoped like a feature.
    Plan(String),
    /// Every one of these.
    All(Vec<Requirement>),
}

impl Requirement {
    pub fn role(role: impl Into<String>) -> Self {
        Requirement::Role(role.into())
    }

    pub fn permission(permission: impl Into<String>) -> Self {
        Requirement::Permission(permission.into())
    }

    pub fn feature(feature: impl Into<String>) -> Self {
        Requirement::Feature(feature.into())
    }

    pub fn plan(plan: impl Into<String>) -> Self {
        Requirement::Plan(plan.into())
    }

    /// This and `other`.
    pub fn and(self, other: Requirement) -> Self {
        match self {
            Requirement::All(mut all) => {
                all.push(other);
                Requirement::All(all)
            }
            one => Requirement::All(vec![one, other]),
        }
    }
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Requirement::Role(r) => write!(f, "role {r}"),
            Requirement::Permission(p) => write!(f, "permission {p}"),
            Requirement::Feature(x) => write!(f, "feature {x}"),
            Requirement::Plan(p) => write!(f, "plan {p}"),
            Requirement::All(all) => {
                for (i, r) in all.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and ")?;
                    }
                    write!(f, "{r}")?;
                }
                Ok(())
            }
        }
    }
}

impl Session {
    /// Every claim of the token, custom claims included.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The claims decoded into the caller's own type (custom claims set in
    /// the session token template, for instance).
    pub fn claims_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&*self.claims)
    }

    /// Whether the session meets `requirement`. A requirement whose claim
    /// is missing (no active organization, no `fea` claim) is not met.
    pub fn has(&self, requirement: &Requirement) -> bool {
        match requirement {
            Requirement::Role(role) => self.has_role(role),
            Requirement::Permission(permission) => self.has_permission(permission),
            Requirement::Feature(feature) => self.has_feature(feature),
            Requirement::Plan(plan) => self.has_plan(plan),
            Requirement::All(all) => !all.is_empty() && all.iter().all(|r| self.has(r)),
        }
    }

    /// Whether the active organization role is `role` (`org:admin` or
    /// `admin`).
    pub fn has_role(&self, role: &str) -> bool {
        self.organization
            .as_ref()
            .and_then(|o| o.role.as_deref())
            .is_some_and(|mine| with_org_prefix(mine) == with_org_prefix(role))
    }

    /// Whether the active organization grants `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        let wanted = with_org_prefix(permission);
        self.organization
            .as_ref()
            .is_some_and(|o| o.permissions.contains(&wanted))
    }

    /// Whether the user's or the organization's plan has `feature`
    /// (`feature`, `u:feature`, `o:feature`…). An unknown scope is false.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.claims.contains_key("fea") && scoped_has(&self.features, feature)
    }

    /// Whether the user or the organization is on `plan`, scoped like
    /// [`has_feature`](Self::has_feature).
    pub fn has_plan(&self, plan: &str) -> bool {
        self.claims.contains_key("pla") && scoped_has(&self.plans, plan)
    }
}

/// `org:x` for `x`, `org:x` or `org:org:x`, as Clerk's `prefixWithOrg`.
fn with_org_prefix(value: &str) -> String {
    let mut rest = value;
    while let Some(stripped) = rest.strip_prefix("org:") {
        rest = stripped;
    }
    format!("org:{rest}")
}

/// `checkForFeatureOrPlan`: an explicit scope looks in that scope only,
/// a bare id in both.
fn scoped_has(values: &Scoped, wanted: &str) -> bool {
    match wanted.split_once(':') {
        Some(("o" | "org" | "organization", id)) => values.organization.iter().any(|v| v == id),
        Some(("u" | "user", id)) => values.user.iter().any(|v| v == id),
        Some(_) => false,
        None => values
            .organization
            .iter()
            .chain(&values.user)
            .any(|v| v == wanted),
    }
}

/// `splitByScope`: `u:a,o:b,ou:c` → user `[a, c]`, organization `[b, c]`.
/// An element without a scope grants nothing.
fn split_by_scope(claim: Option<&str>) -> Scoped {
    let mut scoped = Scoped::default();
    for part in claim.unwrap_or_default().split(',').map(str::trim) {
        let Some((scope, value)) = part.split_once(':') else {
            continue;
        };
        let value = value.to_string();
        match scope {
            "o" => scoped.organization.push(value),
            "u" => scoped.user.push(value),
            "ou" | "uo" => {
                scoped.organization.push(value.clone());
                scoped.user.push(value);
            }
            _ => {}
        }
    }
    scoped
}

/// The bits of a decimal number of any size, least significant first
/// (`decimalToBinaryBits`); `None` if it is not a decimal number.
fn decimal_bits(decimal: &str) -> Option<Vec<bool>> {
    if decimal.is_empty() || !decimal.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits: Vec<u8> = decimal.bytes().map(|b| b - b'0').collect();
    let mut bits = Vec::new();
    while digits.iter().any(|d| *d != 0) {
        // Long division by two.
        let mut remainder = 0;
        for digit in &mut digits {
            let value = remainder * 10 + *digit;
            *digit = value / 2;
            remainder = value % 2;
        }
        bits.push(remainder == 1);
    }
    Some(bits)
}

/// v2 organization permissions: for the i-th organization feature of
/// `fea`, bit j of the i-th number of `o.fpm` grants the j-th permission of
/// `o.per`, as `org:<feature>:<permission>` (`buildOrgPermissions`).
fn v2_permissions(org_features: &[String], per: Option<&str>, fpm: Option<&str>) -> Vec<String> {
    let (Some(per), Some(fpm)) = (per.filter(|p| !p.is_empty()), fpm.filter(|f| !f.is_empty()))
    else {
        return Vec::new();
    };
    let permissions: Vec<&str> = per.split(',').map(str::trim).collect();
    let mut granted = Vec::new();
    for (feature, mask) in org_features.iter().zip(fpm.split(',').map(str::trim)) {
        let bits = decimal_bits(mask).unwrap_or_default();
        for (permission, _) in permissions.iter().zip(&bits).filter(|(_, bit)| **bit) {
            granted.push(format!("org:{feature}:{permission}"));
        }
    }
    granted
}

/// Reads claims of a verified token. Each accessor checks the type.
pub(crate) struct Claims<'a>(pub(crate) &'a Map<String, Value>);

impl<'a> Claims<'a> {
    pub(crate) fn string(&self, claim: &'static str) -> Result<Option<&'a str>, AuthError> {
        match self.0.get(claim) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid(claim, "expected a string")),
        }
    }

    pub(crate) fn required_string(&self, claim: &'static str) -> Result<&'a str, AuthError> {
        match self.string(claim)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(invalid(claim, "missing")),
        }
    }

    /// A NumericDate as whole seconds (Clerk sends integers; a fraction is
    /// refused rather than rounded).
    pub(crate) fn seconds(&self, claim: &'static str) -> Result<Option<i64>, AuthError> {
        match self.0.get(claim) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| invalid(claim, "expected whole seconds since the epoch")),
            Some(_) => Err(invalid(claim, "expected a number")),
        }
    }
}

fn invalid(claim: &'static str, reason: &str) -> AuthError {
    AuthError::InvalidClaim {
        claim,
        reason: reason.to_string(),
    }
}

/// A session from the verified claims of a session token (its signature,
/// times and parties already checked).
pub(crate) fn from_claims(claims: Map<String, Value>) -> Result<Session, AuthError> {
    let read = Claims(&claims);
    let format = match read.seconds("v")? {
        None | Some(1) => 1,
        Some(2) => 2,
        Some(other) => {
            return Err(invalid(
                "v",
                &format!("session token format {other} is not supported (1 and 2 are)"),
            ));
        }
    };
    let status = match read.string("sts")? {
        None | Some("active") => SessionStatus::Active,
        Some("pending") => SessionStatus::Pending,
        Some(other) => {
            return Err(invalid(
                "sts",
                &format!("unknown session status {:?}", shown(other)),
            ));
        }
    };
    let features = split_by_scope(read.string("fea")?);
    let plans = split_by_scope(read.string("pla")?);
    let organization = if format == 2 {
        v2_organization(&claims, &features)?
    } else {
        v1_organization(&read)?
    };
    let actor = match claims.get("act") {
        None | Some(Value::Null) => None,
        Some(Value::Object(act)) => Some(Actor {
            subject: Claims(act)
                .required_string("sub")
                .map_err(|_| invalid("act", "the actor has no `sub`"))?
                .to_string(),
            claims: act.clone(),
        }),
        Some(_) => return Err(invalid("act", "expected an object")),
    };
    let factor_verification_age = match claims.get("fva") {
        None | Some(Value::Null) => None,
        Some(Value::Array(ages)) => match ages.as_slice() {
            [first, second] => match (first.as_i64(), second.as_i64()) {
                (Some(a), Some(b)) => Some([a, b]),
                _ => return Err(invalid("fva", "expected two whole numbers")),
            },
            _ => return Err(invalid("fva", "expected two whole numbers")),
        },
        Some(_) => return Err(invalid("fva", "expected two whole numbers")),
    };
    Ok(Session {
        user_id: read.required_string("sub")?.to_string(),
        session_id: read.required_string("sid")?.to_string(),
        status,
        organization,
        actor,
        features,
        plans,
        factor_verification_age,
        format,
        issuer: read.string("iss")?.map(str::to_string),
        authorized_party: read.string("azp")?.map(str::to_string),
        issued_at: read.seconds("iat")?,
        not_before: read.seconds("nbf")?,
        expires_at: read
            .seconds("exp")?
            .ok_or_else(|| invalid("exp", "missing"))?,
        claims: Arc::new(claims),
    })
}

fn v1_organization(read: &Claims<'_>) -> Result<Option<ActiveOrganization>, AuthError> {
    let Some(id) = read.string("org_id")? else {
        return Ok(None);
    };
    let permissions = match read.0.get("org_permissions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|p| p.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid("org_permissions", "expected strings"))?,
        Some(_) => return Err(invalid("org_permissions", "expected an array")),
    };
    Ok(Some(ActiveOrganization {
        id: id.to_string(),
        slug: read.string("org_slug")?.map(str::to_string),
        role: read.string("org_role")?.map(str::to_string),
        permissions,
    }))
}

fn v2_organization(
    claims: &Map<String, Value>,
    features: &Scoped,
) -> Result<Option<ActiveOrganization>, AuthError> {
    let o = match claims.get("o") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(o)) => Claims(o),
        Some(_) => return Err(invalid("o", "expected an object")),
    };
    let nested = |e: AuthError| match e {
        AuthError::InvalidClaim { reason, .. } => invalid("o", &reason),
        other => other,
    };
    let Some(id) = o.string("id").map_err(nested)? else {
        return Ok(None);
    };
    Ok(Some(ActiveOrganization {
        id: id.to_string(),
        slug: o.string("slg").map_err(nested)?.map(str::to_string),
        // v2 sends the role without its prefix.
        role: o.string("rol").map_err(nested)?.map(with_org_prefix),
        permissions: v2_permissions(
            &features.organization,
            o.string("per").map_err(nested)?,
            o.string("fpm").map_err(nested)?,
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn session(claims: Value) -> Session {
        let mut base = json!({"sub": "user_1", "sid": "sess_1", "exp": 2_000_000_000_i64});
        base.as_object_mut()
            .unwrap()
            .extend(claims.as_object().unwrap().clone());
        from_claims(base.as_object().unwrap().clone()).unwrap()
    }

    #[test]
    fn v1_organization_claims() {
        let s = session(json!({
            "org_id": "org_1", "org_slug": "acme", "org_role": "org:admin",
            "org_permissions": ["org:invoices:read"]
        }));
        assert_eq!(s.format, 1);
        assert!(s.has_role("org:admin") && s.has_role("admin"));
        assert!(!s.has_role("org:member"));
        assert!(s.has_permission("org:invoices:read") && s.has_permission("invoices:read"));
        assert!(!s.has_permission("org:invoices:write"));
    }

    #[test]
    fn v2_permissions_come_from_features_and_the_bitmask() {
        // Clerk's own example shape: features dashboard and invoices, with
        // permissions read, manage, delete; fpm "3,5": dashboard gets bits
        // 0 and 1 (read, manage), invoices bits 0 and 2 (read, delete).
        let s = session(json!({
            "v": 2,
            "fea": "o:dashboard,o:invoices,u:beta",
            "o": {"id": "org_1", "rol": "admin", "slg": "acme", "per": "read,manage,delete", "fpm": "3,5"}
        }));
        let org = s.organization.clone().unwrap();
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
        assert!(s.has(
            &Requirement::role("org:admin").and(Requirement::permission("org:invoices:delete"))
        ));
        assert!(!s.has_permission("org:invoices:manage"));
        assert!(s.has_feature("beta") && s.has_feature("u:beta") && !s.has_feature("o:beta"));
        assert!(s.has_feature("o:invoices") && !s.has_feature("x:invoices"));
        assert!(!s.has_plan("pro"), "no pla claim");
    }

    #[test]
    fn bitmasks_of_any_size() {
        assert_eq!(decimal_bits("0"), Some(vec![]));
        assert_eq!(decimal_bits("6"), Some(vec![false, true, true]));
        assert_eq!(decimal_bits("6x"), None);
        // 2^130: bit 130 only.
        let big = decimal_bits("1361129467683753853853498429727072845824").unwrap();
        assert_eq!(big.len(), 131);
        assert!(big[130] && big[..130].iter().all(|b| !b));
    }

    #[test]
    fn requirements_without_an_organization_fail() {
        let s = session(json!({"v": 2, "pla": "u:pro"}));
        assert!(!s.has_role("org:admin"));
        assert!(!s.has_permission("org:x:y"));
        assert!(s.has_plan("pro") && s.has_plan("user:pro") && !s.has_plan("org:pro"));
        assert!(!s.has(&Requirement::All(vec![])));
    }

    #[test]
    fn wrong_types_and_versions_are_refused() {
        let bad = |extra: Value| {
            let mut base = json!({"sub": "user_1", "sid": "sess_1", "exp": 2_000_000_000_i64});
            base.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            from_claims(base.as_object().unwrap().clone()).unwrap_err()
        };
        assert!(matches!(
            bad(json!({"v": 3})),
            AuthError::InvalidClaim { claim: "v", .. }
        ));
        assert!(matches!(
            bad(json!({"exp": 1.5})),
            AuthError::InvalidClaim { claim: "exp", .. }
        ));
        assert!(matches!(
            bad(json!({"sts": "weird"})),
            AuthError::InvalidClaim { claim: "sts", .. }
        ));
        assert!(matches!(
            bad(json!({"o": "org_1", "v": 2})),
            AuthError::InvalidClaim { claim: "o", .. }
        ));
        assert!(matches!(
            bad(json!({"sub": ""})),
            AuthError::InvalidClaim { claim: "sub", .. }
        ));
    }
}
