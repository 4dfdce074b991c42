//! First run of a fresh deployment: `POST /api/setup`, authorised by the `SETUP_TOKEN` secret,
//! creates the first site and its admin, once. There is no "first visitor becomes admin": without
//! the secret, or after the first agent exists, setup is refused.

use domain::credentials::{
    bearer_token, normalise_email, secrets_equal, validate_display_name, validate_new_password,
};
use protocol::api::{AgentStatus, ErrorCode, Role, Setup, SetupDone};
use protocol::settings::ChatSettings;
use worker::{Request, Response};

use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, AgentRow, FirstRun};
use crate::{http, secrets};

pub async fn run(app: &App, mut req: Request) -> ApiResult<Response> {
    let expected = app.setup_token().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Forbidden,
            "Setup is disabled: set the SETUP_TOKEN secret to enable it.",
        )
    })?;
    let header = req.headers().get("authorization")?;
    let presented = bearer_token(header.as_deref())?;
    if !secrets_equal(presented.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::new(ErrorCode::Forbidden, "Wrong setup token."));
    }
    let body: Setup = http::read_json(&mut req).await?;
    let site_name = validate_display_name("site_name", &body.site_name)?;
    let email = normalise_email(&body.admin.email)?;
    let name = validate_display_name("admin.name", &body.admin.name)?;
    validate_new_password("admin.password", &body.admin.password)?;

    let admin = AgentRow {
        id: secrets::new_id("a")?,
        email,
        name,
        role: Role::Admin,
        status: AgentStatus::Available,
        password_hash: secrets::hash_password(&body.admin.password).await?.encode(),
        avatar: None,
        chat_limit: None,
    };
    let site_id = secrets::new_id("s")?;
    let created = store::first_run(
        &app.db,
        &FirstRun {
            site_id: &site_id,
            settings: &ChatSettings::new(&site_name),
            admin: &admin,
            at: store::now(),
        },
    )
    .await?;
    if !created {
        return Err(ApiError::new(
            ErrorCode::AlreadySetUp,
            "This deployment is already set up.",
        ));
    }
    let done = SetupDone {
        site_id,
        admin: admin.profile(),
    };
    Ok(http::json(&done, 201))
}
