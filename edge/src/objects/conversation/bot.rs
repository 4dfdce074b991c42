//! The conversation's chatflow bot (issue 24), run here, one event at a time, by the pure
//! engine (`domain::bot::step`): the visitor's words, the alarm's timeout, a member taking
//! over. Who holds the conversation follows from it: the bot while its session runs, then the
//! team (routed at the handover), or the member who wrote or took it.
//!
//! What the engine asks for is queued durably (`log::bot`) with its time, each message after
//! the bot's typing pause (the widget shows the bot typing meanwhile), and carried out in order
//! here and by the alarm: a step that fails stays at the head and is tried again, so nothing is
//! lost and nothing is done twice (a bot message is stored once per queue entry). The bot goes
//! silent the moment a member writes or takes the conversation: its queue is dropped.

use std::collections::BTreeMap;

use domain::bot::{step, Context, Event, Outcome, Output, Program, Status};
use protocol::bot::HandoverTo;
use protocol::frame::ServerFrame;
use protocol::{Author, ConversationStatus, Millis};
use worker::{console_error, console_warn};

use super::log::{BotRun, Queued};
use super::rules::RETRY_MS;
use super::Conversation;
use crate::bot_calls;
use crate::config::App;
use crate::contracts::conversation::BotRef;
use crate::contracts::hub::HubStub;
use crate::error::ApiResult;
use crate::participant::Participant;
use crate::store::bots::{self, BotEvent};
use crate::store::{self, inboxes::TeamAssigned};

impl Conversation {
    /// Takes on the bot of `bot` (a website chat started on a bot flow's page), once. A version
    /// no longer kept (its flow was deleted meanwhile) leaves the chat to the team.
    pub(super) async fn adopt_bot(&self, bot: &BotRef) -> ApiResult<()> {
        if self.log.has_bot()? {
            return Ok(());
        }
        let app = App::new(self.env.clone())?;
        let found = bots::version(&app.db, &bot.flow_id, Some(bot.version)).await?;
        match found.and_then(|found| run_of(&bot.flow_id, found)) {
            Some(run) => self.log.set_bot(&run)?,
            None => console_warn!(
                "chatflow {} v{} is gone: the chat goes to the team",
                bot.flow_id,
                bot.version
            ),
        }
        Ok(())
    }

    /// A session starting again runs the version published now (the one it ran if its flow
    /// is no longer published).
    async fn newest(&self, run: BotRun) -> ApiResult<BotRun> {
        let app = App::new(self.env.clone())?;
        let found = bots::version(&app.db, &run.flow_id, None).await?;
        let Some(newest) = found.and_then(|found| run_of(&run.flow_id, found)) else {
            return Ok(run);
        };
        if newest.version == run.version {
            return Ok(run);
        }
        self.log.replace_bot(&newest)?;
        Ok(BotRun {
            session: run.session,
            ..newest
        })
    }

    /// Runs `event` through the bot, if the conversation has one; queues what it does and
    /// carries out what is due now.
    pub(super) async fn bot_event(&self, event: Event) -> ApiResult<()> {
        let now = store::now();
        self.step_bot(event, now).await?;
        // A webhook call waits for the alarm: the sender of this event is not kept waiting.
        let next = self.run_bot_queue(now, false).await?;
        // What is left (also when another run was under way: it may have finished already).
        let left = self.log.bot_head()?.map(|head| head.due.max(now));
        let due = [next, left, self.bot_timeout()?];
        if let Some(at) = due.into_iter().flatten().min() {
            self.wake_by(at).await?;
        }
        Ok(())
    }

    /// Runs `event` through the bot and queues what it does.
    async fn step_bot(&self, event: Event, now: Millis) -> ApiResult<()> {
        let Some(run) = self.log.bot()? else {
            return Ok(());
        };
        let over = run
            .session
            .as_ref()
            .is_some_and(|s| matches!(s.status, Status::Over { .. }));
        // A finished session hears nothing more, but a visitor back after the timeout of an
        // unfinished one starts again (the engine decides that).
        if over && !matches!(event, Event::Start | Event::Answer(_)) {
            return Ok(());
        }
        if matches!(event, Event::TakenOver) {
            self.log.silence_bot()?;
        }
        let idle = run.session.as_ref().is_some_and(|s| {
            let timeout = i64::from(run.script.options.session_timeout_minutes) * 60_000;
            match s.status {
                Status::Over { outcome } => outcome == Outcome::Abandoned,
                _ => now - s.active_at >= timeout,
            }
        });
        let completed = run.session.as_ref().is_some_and(|s| {
            s.status
                == Status::Over {
                    outcome: Outcome::Completed,
                }
        });
        let answer = matches!(event, Event::Answer(_));
        let run = if idle && matches!(event, Event::Start | Event::Answer(_)) {
            self.newest(run).await?
        } else {
            run
        };
        let facts = self.facts().await?;
        let ctx = Context {
            now,
            language: run.language,
            team_available: facts.team_available,
            team_back: &facts.team_back,
            page: &facts.page,
            contact: &facts.contact,
            meeting_links: &BTreeMap::new(),
        };
        let program = Program::new(&run.script);
        let starts =
            matches!(event, Event::Start | Event::Answer(_)) && (run.session.is_none() || idle);
        let stepped = step(&program, run.version, run.session.clone(), event, &ctx);
        if let Some(session) = &stepped.session {
            self.log.set_bot_session(session)?;
        }
        if starts && stepped.session.is_some() {
            self.report_start(&run, now).await;
        }
        let mut outputs = stepped.outputs;
        // Writing after the bot's script ran to its end (without a handover): the visitor
        // wants someone, so the team gets the conversation.
        if completed && answer && outputs.is_empty() {
            outputs.push(Output::Handover {
                to: HandoverTo::Routing,
            });
        }
        self.queue(&run, outputs, now)
    }

    /// Queues `outputs`, each message after the typing pause from the one before.
    fn queue(&self, run: &BotRun, outputs: Vec<Output>, now: Millis) -> ApiResult<()> {
        let mut at = self.log.bot_queue_end()?.unwrap_or(now).max(now);
        let mut queued = Vec::with_capacity(outputs.len());
        let mut typing = false;
        for output in outputs {
            if let Output::Say { delay_ms, .. } = &output {
                at += Millis::from(*delay_ms);
                typing |= *delay_ms > 0;
            }
            queued.push((at, output));
        }
        self.log.queue_bot(&queued)?;
        if typing {
            self.bot_typing(run, true);
        }
        Ok(())
    }

    /// The bot's typing frame, while its next output is a message (for a socket joining in
    /// its pause).
    pub(super) fn bot_typing_now(&self) -> worker::Result<Option<ServerFrame>> {
        let saying = self
            .log
            .bot_head()?
            .is_some_and(|head| matches!(head.output, Output::Say { .. }));
        if !saying {
            return Ok(None);
        }
        Ok(self.log.bot()?.map(|run| ServerFrame::Typing {
            author: bot_author(&run),
            active: true,
        }))
    }

    fn bot_typing(&self, run: &BotRun, active: bool) {
        self.broadcast(&ServerFrame::Typing {
            author: bot_author(run),
            active,
        });
    }

    /// Carries out what the bot has queued, in order, up to what is not yet due (and, unless
    /// `calls`, up to a webhook call); when to run it again (the next is due, a failed step is
    /// to be tried again, or a call is to be made). One run at a time: events that come while a
    /// call is waited on leave their outputs to the run under way.
    pub(super) async fn run_bot_queue(
        &self,
        now: Millis,
        calls: bool,
    ) -> ApiResult<Option<Millis>> {
        if self.bot_running.replace(true) {
            return Ok(None);
        }
        let ran = self.bot_queue_once(now, calls).await;
        self.bot_running.set(false);
        ran
    }

    async fn bot_queue_once(&self, now: Millis, calls: bool) -> ApiResult<Option<Millis>> {
        let mut reports: Vec<Queued> = Vec::new();
        let next = loop {
            let Some(item) = self.log.bot_head()? else {
                break None;
            };
            if item.due > now {
                break Some(item.due);
            }
            if !calls && matches!(item.output, Output::Call { .. }) {
                break Some(now);
            }
            let Some(run) = self.log.bot()? else {
                self.log.silence_bot()?;
                break None;
            };
            if matches!(
                item.output,
                Output::Reached { .. } | Output::Finished { .. }
            ) {
                // Recorded together, in one batch, below.
                self.log.bot_done(item.id)?;
                reports.push(item);
                continue;
            }
            if let Output::Call {
                url,
                timeout_ms,
                body,
                ..
            } = &item.output
            {
                // Made once (the visitor is waiting): its answer, or its failure, goes on.
                let init = self.open_identity()?;
                let app = App::new(self.env.clone())?;
                let id = format!("{}-{}", init.conversation_id, item.id);
                let answer =
                    bot_calls::call(&app, &init.site_id, &id, url, *timeout_ms, body).await;
                if let Err(why) = &answer {
                    console_warn!("a bot's webhook call failed: {why}");
                }
                self.log.bot_done(item.id)?;
                self.step_bot(Event::Webhook(answer), store::now()).await?;
                continue;
            }
            match self.carry_out(&run, &item).await {
                Ok(()) => {
                    self.log.bot_done(item.id)?;
                    // The bot types its next message during the pause before it (the visitor
                    // may have joined since the pause began).
                    let said = matches!(item.output, Output::Say { .. });
                    let next = self.log.bot_head()?;
                    if said && next.is_some_and(|n| matches!(n.output, Output::Say { .. })) {
                        self.bot_typing(&run, true);
                    }
                }
                Err(e) => {
                    console_error!("a bot step failed and will be tried again: {}", e.message);
                    break Some(now + RETRY_MS);
                }
            }
        };
        if let Some(run) = self.log.bot()? {
            if next.is_none() {
                self.bot_typing(&run, false);
            }
            self.report(&run, &reports, now).await;
        }
        Ok(next)
    }

    /// A session started, for the reports: recorded at once (the bot holds the conversation
    /// from now). Best effort, as the other reports.
    async fn report_start(&self, run: &BotRun, now: Millis) {
        let recorded = async {
            let init = self.open_identity()?;
            let db = self.env.d1(crate::config::DB)?;
            let (id, started) = (&init.conversation_id, [BotEvent::Started]);
            bots::record(&db, id, &run.flow_id, run.version, &started, now).await?;
            Ok::<_, crate::error::ApiError>(())
        };
        if let Err(e) = recorded.await {
            console_error!("a bot session's start was not recorded: {}", e.message);
        }
    }

    /// What a session did, for the reports (best effort: a report lost is not a message lost).
    async fn report(&self, run: &BotRun, items: &[Queued], now: Millis) {
        let events: Vec<BotEvent<'_>> = items
            .iter()
            .filter_map(|item| match &item.output {
                Output::Reached { action } => Some(BotEvent::Reached(action)),
                Output::Finished { outcome } => Some(BotEvent::Finished(*outcome)),
                _ => None,
            })
            .collect();
        if events.is_empty() {
            return;
        }
        let Ok(Some(init)) = self.log.identity() else {
            return;
        };
        let recorded = async {
            let db = self.env.d1(crate::config::DB)?;
            let id = &init.conversation_id;
            bots::record(&db, id, &run.flow_id, run.version, &events, now).await
        };
        if let Err(e) = recorded.await {
            console_error!("the bot's report was not recorded: {e}");
        }
    }

    /// Carries out one queued output.
    async fn carry_out(&self, run: &BotRun, item: &Queued) -> ApiResult<()> {
        let init = self.open_identity()?;
        let id = &init.conversation_id;
        match &item.output {
            Output::Say { text, choices, .. } => {
                let who = Participant::Bot {
                    flow_id: run.flow_id.clone(),
                    name: run.name.clone(),
                };
                let send = protocol::api::SendMessage {
                    client_id: format!("bot-{}", item.id),
                    body: text.clone(),
                    attachment: None,
                };
                self.deliver_bot(&who, &send, choices.clone()).await?;
            }
            Output::Save { key, value } => {
                let app = App::new(self.env.clone())?;
                let conversation = bots::conversation(&app.db, id).await?;
                let Some(contact) = &conversation.contact_id else {
                    return Ok(());
                };
                save(&app, contact, &init.site_id, key, value).await?;
                self.send_to_agents(&protocol::frame::AgentFrame::VisitorChanged {});
            }
            Output::Handover { to } => self.hand_over(id, to).await?,
            Output::Close { transcript } => {
                self.change_status(ConversationStatus::Closed).await?;
                if *transcript {
                    let messages = || self.log.after(0, usize::MAX).unwrap_or_default();
                    crate::mail::on_bot_close(&App::new(self.env.clone())?, id, messages).await;
                }
            }
            // Carried out by the queue itself (`run_bot_queue`).
            Output::Call { .. } | Output::Reached { .. } | Output::Finished { .. } => {}
        }
        Ok(())
    }

    /// Gives the conversation to the team: routed by the site's rules, to a team (routed among
    /// its members) or to a member.
    async fn hand_over(&self, id: &str, to: &HandoverTo) -> ApiResult<()> {
        let app = App::new(self.env.clone())?;
        let hub = HubStub::of(&app.hub)?;
        let summary = match to {
            HandoverTo::Member { agent_id } => store::assign(&app.db, id, Some(agent_id)).await?,
            HandoverTo::Team { team_id } => {
                match store::inboxes::assign_team(&app.db, id, Some(team_id)).await? {
                    TeamAssigned::Done(summary) => Some(*summary),
                    // The team is gone, or no longer sees the inbox: routing decides.
                    _ => bots::summary(&app.db, id).await?,
                }
            }
            HandoverTo::Routing => bots::summary(&app.db, id).await?,
        };
        let Some(summary) = summary else {
            return Ok(());
        };
        if summary.assignee_id.is_none() && summary.status == ConversationStatus::Open {
            hub.route(&summary).await?;
        } else {
            hub.notify(&summary).await?;
        }
        Ok(())
    }

    /// When the running session times out, if one runs.
    pub(super) fn bot_timeout(&self) -> ApiResult<Option<Millis>> {
        let Some(run) = self.log.bot()? else {
            return Ok(None);
        };
        let Some(session) = run.session else {
            return Ok(None);
        };
        if matches!(session.status, Status::Over { .. }) {
            return Ok(None);
        }
        let timeout = i64::from(run.script.options.session_timeout_minutes) * 60_000;
        Ok(Some(session.active_at + timeout))
    }

    /// Run by the alarm: the queue, and the session's timeout when it has passed; when to look
    /// again.
    pub(super) async fn bot_alarm(&self, now: Millis) -> ApiResult<Option<Millis>> {
        if self.bot_timeout()?.is_some_and(|at| at <= now) {
            self.bot_event(Event::Timeout).await?;
        }
        let next = self.run_bot_queue(now, true).await?;
        Ok(next.into_iter().chain(self.bot_timeout()?).min())
    }

    /// What the engine needs to know of the moment.
    async fn facts(&self) -> ApiResult<Facts> {
        let init = self.open_identity()?;
        let app = App::new(self.env.clone())?;
        let conversation = bots::conversation(&app.db, &init.conversation_id).await?;
        let contact = match &conversation.contact_id {
            Some(contact) => bots::contact_fields(&app.db, contact).await?,
            None => BTreeMap::new(),
        };
        let (team_available, team_back) =
            crate::routes::site::team_now(&app, &init.site_id).await?;
        Ok(Facts {
            team_available,
            team_back,
            page: conversation.page_url.unwrap_or_default(),
            contact,
        })
    }
}

/// What the engine is told of the moment, read before each step.
struct Facts {
    team_available: bool,
    team_back: String,
    page: String,
    contact: BTreeMap<String, String>,
}

fn bot_author(run: &BotRun) -> Author {
    Author::Bot {
        id: run.flow_id.clone(),
        name: run.name.clone(),
    }
}

/// Saves a bot's answer on the contact: its name, e-mail or phone, or a property (as the
/// property's kind stores it; a property deleted since publishing, or an answer its kind
/// refuses, is not saved, and said in the log).
async fn save(app: &App, contact: &str, site: &str, key: &str, value: &str) -> ApiResult<()> {
    let now = store::now();
    if bots::set_contact_field(&app.db, contact, key, value, now).await? {
        return Ok(());
    }
    let Some(property) = store::properties::property(&app.db, site, key).await? else {
        console_warn!("the bot's answer was not saved: no property {key} now");
        return Ok(());
    };
    let json = serde_json::Value::String(value.to_owned());
    match domain::contacts::stored_value(&property, &json) {
        Ok(stored) => {
            store::properties::set_value(&app.db, site, contact, key, stored.as_deref(), now)?
                .run()
                .await?;
        }
        Err(e) => console_warn!("the bot's answer was not saved to {key}: {}", e.message),
    }
    Ok(())
}

/// The bot of `found` (a bot flow's version), with the name the visitor sees on its messages:
/// its own, else the site's.
fn run_of(flow_id: &str, found: bots::BotVersion) -> Option<BotRun> {
    let script = found.flow.bot?;
    let name = if script.options.name.is_empty() {
        found.site_name
    } else {
        script.options.name.clone()
    };
    Some(BotRun {
        flow_id: flow_id.to_owned(),
        version: found.version,
        name,
        language: found.flow.language,
        script,
        session: None,
    })
}
