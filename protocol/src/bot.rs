//! A bot's script, as admins edit it, as a published chatflow version freezes it, and as a
//! flow's JSON export carries it (issue 24). Data only: `domain::bot` checks a script before it
//! is published and runs it, one conversation at a time.
//!
//! A script is a list of [`Action`]s run in order. A branch holds one list per case, and a
//! question its fallback list; when such a list runs out the script goes on after the action
//! that held it. [`ActionKind::GoTo`] jumps to any action by its id, which is how a script
//! loops ("anything else?"). Every action has an `id` of its own that stays the same across
//! edits and versions: reports count sessions by it, and go-tos and webhooks name it.

use serde::{Deserialize, Serialize};

use crate::i18n::Language;

/// A bot's script: its actions, in order, and its options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bot {
    pub actions: Vec<Action>,
    #[serde(default)]
    pub options: BotOptions,
}

/// How a bot behaves around its actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotOptions {
    /// The name the visitor sees on the bot's messages; empty: the site's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The pause before each bot message, while the widget shows the bot typing (0 to
    /// [`TYPING_DELAY_MAX_MS`]).
    #[serde(default = "default_typing_delay")]
    pub typing_delay_ms: u32,
    /// After this many minutes without a word from the visitor, the session is over: the next
    /// visit starts from the beginning, unless the script had run to its end (1 to
    /// [`SESSION_TIMEOUT_MAX_MINUTES`]).
    #[serde(default = "default_session_timeout")]
    pub session_timeout_minutes: u32,
    /// Said when a step cannot be carried out (a webhook that fails, a go-to that loops), before
    /// the team takes over.
    #[serde(default = "default_error_message")]
    pub error_message: String,
}

/// The longest typing pause a bot may take.
pub const TYPING_DELAY_MAX_MS: u32 = 5_000;
/// The longest a bot session may idle: a day.
pub const SESSION_TIMEOUT_MAX_MINUTES: u32 = 1_440;

fn default_typing_delay() -> u32 {
    800
}

fn default_session_timeout() -> u32 {
    30
}

fn default_error_message() -> String {
    "Sorry, something went wrong on our side. Someone from the team will pick this up.".into()
}

impl Default for BotOptions {
    fn default() -> Self {
        Self {
            name: String::new(),
            typing_delay_ms: default_typing_delay(),
            session_timeout_minutes: default_session_timeout(),
            error_message: default_error_message(),
        }
    }
}

/// One step of a script. In JSON its `id` and `kind` stand beside the kind's own fields
/// (`{"id": "hi", "kind": "message", "text": "Hello!"}`), read and written through
/// [`ActionJson`]: serde's way to that shape (an internally tagged enum, flattened) cost the
/// Worker 26 KB of wasm, measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ActionJson", into = "ActionJson")]
pub struct Action {
    /// Unique within the script; letters, digits, `-` and `_`.
    pub id: String,
    pub kind: ActionKind,
}

/// What an action does.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    /// Says something (text with links, as any message), optionally with a file from the
    /// site's uploads.
    Message { text: String, file: Option<String> },
    /// Asks, waits for the visitor's answer, checks it and saves it.
    Question(Box<Question>),
    /// Takes the first case whose condition holds, else `otherwise`.
    Branch {
        cases: Vec<Case>,
        otherwise: Vec<Action>,
    },
    /// Offers a member's booking link (their profile's meeting link), with `text` before it.
    Meeting { text: String, member_id: String },
    /// Calls the site's own system: `POST url` with the session's answers, signed with the
    /// site's secret. Its JSON answer may set contact properties and name the next action.
    Webhook { url: String, timeout_ms: u32 },
    /// Hands the conversation to the team (see [`Handover`]).
    Handover(Handover),
    /// Goes on at another action.
    GoTo { action: String },
    /// The script ends here; optionally the conversation is closed too (`transcript`: with
    /// the transcript e-mailed to the visitor, when their address is known).
    End { close: bool, transcript: bool },
}

/// The kinds of action, as JSON names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    Message,
    Question,
    Branch,
    Meeting,
    Webhook,
    Handover,
    GoTo,
    End,
}

/// An action as JSON has it: its id, its kind, and every kind's fields, each there only for
/// the kinds that have it (see [`Action`]).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ActionJson {
    pub id: String,
    pub kind: Option<ActionName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Input>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reask: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Vec<Action>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<Vec<Case>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<Vec<Action>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<HandoverTo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_text: Option<String>,
    /// A go-to's target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<bool>,
}

impl TryFrom<ActionJson> for Action {
    type Error = String;

    fn try_from(json: ActionJson) -> Result<Self, String> {
        let kind = json
            .kind
            .ok_or_else(|| format!("action `{}` has no `kind`", json.id))?;
        let needs = |field: Option<String>, name: &str| {
            field.ok_or_else(|| format!("action `{}` needs `{name}`", json.id))
        };
        let kind = match kind {
            ActionName::Message => ActionKind::Message {
                text: needs(json.text, "text")?,
                file: json.file,
            },
            ActionName::Question => ActionKind::Question(Box::new(Question {
                text: needs(json.text, "text")?,
                input: json
                    .input
                    .ok_or_else(|| format!("action `{}` needs `input`", json.id))?,
                save_to: json.save_to,
                reask: json.reask.unwrap_or_default(),
                attempts: json.attempts.unwrap_or(DEFAULT_ATTEMPTS),
                fallback: json.fallback.unwrap_or_default(),
            })),
            ActionName::Branch => ActionKind::Branch {
                cases: json
                    .cases
                    .ok_or_else(|| format!("action `{}` needs `cases`", json.id))?,
                otherwise: json.otherwise.unwrap_or_default(),
            },
            ActionName::Meeting => ActionKind::Meeting {
                text: needs(json.text, "text")?,
                member_id: needs(json.member_id, "member_id")?,
            },
            ActionName::Webhook => ActionKind::Webhook {
                url: needs(json.url, "url")?,
                timeout_ms: json.timeout_ms.unwrap_or(DEFAULT_WEBHOOK_TIMEOUT_MS),
            },
            ActionName::Handover => ActionKind::Handover(Handover {
                to: json
                    .to
                    .ok_or_else(|| format!("action `{}` needs `to`", json.id))?,
                text: json.text.unwrap_or_else(default_handover_text),
                away_text: json.away_text.unwrap_or_else(default_away_text),
                email_text: json.email_text.unwrap_or_else(default_email_text),
                taken_text: json.taken_text.unwrap_or_else(default_taken_text),
            }),
            ActionName::GoTo => ActionKind::GoTo {
                action: needs(json.action, "action")?,
            },
            ActionName::End => ActionKind::End {
                close: json.close.unwrap_or_default(),
                transcript: json.transcript.unwrap_or_default(),
            },
        };
        Ok(Self { id: json.id, kind })
    }
}

impl From<Action> for ActionJson {
    fn from(action: Action) -> Self {
        let mut json = Self {
            id: action.id,
            ..Self::default()
        };
        json.kind = Some(match action.kind {
            ActionKind::Message { text, file } => {
                (json.text, json.file) = (Some(text), file);
                ActionName::Message
            }
            ActionKind::Question(question) => {
                let Question {
                    text,
                    input,
                    save_to,
                    reask,
                    attempts,
                    fallback,
                } = *question;
                json.text = Some(text);
                json.input = Some(input);
                json.save_to = save_to;
                json.reask = (!reask.is_empty()).then_some(reask);
                json.attempts = Some(attempts);
                json.fallback = (!fallback.is_empty()).then_some(fallback);
                ActionName::Question
            }
            ActionKind::Branch { cases, otherwise } => {
                (json.cases, json.otherwise) = (Some(cases), Some(otherwise));
                ActionName::Branch
            }
            ActionKind::Meeting { text, member_id } => {
                (json.text, json.member_id) = (Some(text), Some(member_id));
                ActionName::Meeting
            }
            ActionKind::Webhook { url, timeout_ms } => {
                (json.url, json.timeout_ms) = (Some(url), Some(timeout_ms));
                ActionName::Webhook
            }
            ActionKind::Handover(handover) => {
                json.to = Some(handover.to);
                json.text = Some(handover.text);
                json.away_text = Some(handover.away_text);
                json.email_text = Some(handover.email_text);
                json.taken_text = Some(handover.taken_text);
                ActionName::Handover
            }
            ActionKind::GoTo { action } => {
                json.action = Some(action);
                ActionName::GoTo
            }
            ActionKind::End { close, transcript } => {
                (json.close, json.transcript) = (Some(close), Some(transcript));
                ActionName::End
            }
        });
        json
    }
}

/// The longest a webhook is waited on.
pub const WEBHOOK_TIMEOUT_MAX_MS: u32 = 10_000;

/// How long a webhook is waited on when its action does not say.
pub const DEFAULT_WEBHOOK_TIMEOUT_MS: u32 = 5_000;

/// A question and what becomes of its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub text: String,
    pub input: Input,
    /// Where the answer is kept: a contact property's key, or the contact's `name`, `email`
    /// or `phone`; none: only in the conversation (and for later branches).
    pub save_to: Option<String>,
    /// Asked after an answer that does not fit the input; empty: the input's own words.
    pub reask: String,
    /// Bad answers allowed before `fallback` (1 to [`ATTEMPTS_MAX`]).
    pub attempts: u8,
    /// Where the visitor goes after that many bad answers; empty: to the team.
    pub fallback: Vec<Action>,
}

/// Most bad answers a question may allow.
pub const ATTEMPTS_MAX: u8 = 10;

/// Bad answers a question allows when it does not say.
pub const DEFAULT_ATTEMPTS: u8 = 3;

/// The kind of answer a question takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Input {
    /// Any text on one line.
    Text,
    /// One of `options` (or several, comma-separated, when `multiple`), offered as buttons.
    Choices {
        options: Vec<String>,
        #[serde(default)]
        multiple: bool,
    },
    /// An e-mail address (the HTML standard's rule).
    Email,
    /// A phone number with its country code, kept in E.164.
    Phone,
    /// A number.
    Number,
    /// A calendar date, `YYYY-MM-DD` or as the visitor's language writes it.
    Date,
}

/// One case of a branch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub when: Condition,
    pub actions: Vec<Action>,
}

/// What a branch looks at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// The answer given to question `action` in this session.
    Answer { action: String, test: Test },
    /// A contact property (or `name`, `email`, `phone`) as the contact has it now.
    Property { key: String, test: Test },
    /// Whether the team can answer now (the site's availability).
    TeamAvailable,
    /// The page the chat is on (its full URL).
    Page { test: Test },
    /// The language the chat speaks with the visitor.
    Language { language: Language },
}

/// A test on a value (text compared without regard to case or surrounding spaces).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Test {
    Is {
        value: String,
    },
    IsNot {
        value: String,
    },
    Contains {
        value: String,
    },
    /// One of `values` (for a multiple choice: any of them was chosen).
    AnyOf {
        values: Vec<String>,
    },
    Known,
    Unknown,
    /// A number above `value`.
    Above {
        value: f64,
    },
    /// A number below `value`.
    Below {
        value: f64,
    },
}

/// Handing the conversation to people. Each text has a default (in English) for an action
/// that does not say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    pub to: HandoverTo,
    /// Said when someone can answer now.
    pub text: String,
    /// Said when nobody can answer now, before the bot takes the visitor's message (and their
    /// e-mail, when the team has none): `{}` is when the team is back.
    pub away_text: String,
    /// Asked, when nobody can answer now, of a visitor whose e-mail the team does not have.
    pub email_text: String,
    /// Said once the visitor's message is taken, when nobody could answer.
    pub taken_text: String,
}

fn default_email_text() -> String {
    "What's your e-mail, so we can reply?".into()
}

fn default_taken_text() -> String {
    "Thanks! We'll get back to you as soon as we can.".into()
}

fn default_handover_text() -> String {
    "Let me get someone from the team for you.".into()
}

fn default_away_text() -> String {
    "Nobody from the team is here right now; we're back {}.".into()
}

/// Whom a handover goes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HandoverTo {
    /// As the site's routing rules decide.
    Routing,
    Team {
        team_id: String,
    },
    Member {
        agent_id: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_reads_from_its_json_with_defaults() {
        let bot: Bot = serde_json::from_str(
            r#"{"actions":[
                {"id":"hi","kind":"message","text":"Hello!"},
                {"id":"mail","kind":"question","text":"Your e-mail?","input":{"kind":"email"},
                 "save_to":"email"},
                {"id":"which","kind":"branch","cases":[
                    {"when":{"kind":"answer","action":"mail","test":{"op":"contains","value":"@acme"}},
                     "actions":[{"id":"vip","kind":"handover","to":{"kind":"routing"}}]}]},
                {"id":"bye","kind":"end"}]}"#,
        )
        .unwrap();
        assert_eq!(bot.options, BotOptions::default());
        let ActionKind::Question(q) = &bot.actions[1].kind else {
            panic!("a question");
        };
        assert_eq!((q.attempts, q.input.clone()), (3, Input::Email));
        let ActionKind::Branch { cases, otherwise } = &bot.actions[2].kind else {
            panic!("a branch");
        };
        assert!(otherwise.is_empty());
        let ActionKind::Handover(h) = &cases[0].actions[0].kind else {
            panic!("a handover");
        };
        assert!(h.away_text.contains("{}"));
        let again: Bot = serde_json::from_value(serde_json::to_value(&bot).unwrap()).unwrap();
        assert_eq!(again, bot);
    }

    #[test]
    fn an_action_missing_what_its_kind_needs_is_refused_by_name() {
        let read = |json: &str| serde_json::from_str::<Action>(json).map_err(|e| e.to_string());
        assert!(read(r#"{"id":"a","kind":"message"}"#)
            .unwrap_err()
            .contains("action `a` needs `text`"));
        assert!(read(r#"{"id":"b","text":"hi"}"#)
            .unwrap_err()
            .contains("action `b` has no `kind`"));
        assert!(read(r#"{"id":"c","kind":"dance"}"#)
            .unwrap_err()
            .contains("unknown variant `dance`"));
        assert!(read(r#"{"id":"d","kind":"question","text":"?"}"#)
            .unwrap_err()
            .contains("needs `input`"));
        let end = read(r#"{"id":"e","kind":"end"}"#).unwrap();
        assert_eq!(
            serde_json::to_value(&end).unwrap(),
            serde_json::json!({"id":"e","kind":"end","close":false,"transcript":false})
        );
    }
}
