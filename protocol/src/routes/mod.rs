//! Every route the Worker serves, defined once: its method, its path and the values in it.
//!
//! Each route is a small struct holding its path's values (`AgentNotes { id }`), with its
//! [`Method`] and a `path()` that builds the URL path (values percent-encoded as path segments).
//! The inbox, the widget and the tests build their URLs with these, and the Worker's router
//! reads a request into one [`Route`] with [`Route::parse`] and matches it exhaustively, so a
//! route cannot exist on one side only, and a path known under another method is told apart
//! from an unknown one (405, not 404). Query parameters are the caller's to append.
//!
//! Path values are compared as they arrive (the router does not percent-decode); every value
//! Porchlight puts in a path is an id or a name of URL-safe characters.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// The characters a path segment escapes (the URL standard's path-segment set, plus `%` so a
/// value never reads as an escape).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The HTTP methods Porchlight's routes use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Why a request matched no route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unrouted {
    /// No route has this path.
    NotFound,
    /// Some route has this path, under another method.
    MethodNotAllowed,
}

/// Whether `segments` fit `pattern`: as many, and each literal (`Some`) equal. One function for
/// every route, so the router's code stays one comparison loop rather than one per route.
#[inline(never)]
fn matches(segments: &[&str], pattern: &[Option<&str>]) -> bool {
    segments.len() == pattern.len()
        && segments
            .iter()
            .zip(pattern)
            .all(|(segment, literal)| literal.is_none_or(|l| l == *segment))
}

/// `value` percent-encoded as one path segment.
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

macro_rules! routes {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident { $($field:ident),* } = $method:ident [$($seg:tt),+];
    )*) => {
        $(
            routes!(@struct $(#[doc = $doc])* $name { $($field),* });
            impl $name<'_> {
                /// The route's method.
                pub const METHOD: Method = Method::$method;

                /// The route's path as docs/api.md writes it, values as `{name}`; for a route
                /// without values, its path (which then costs no code to build).
                pub const TEMPLATE: &'static str = concat!($(routes!(@template $seg)),+);

                /// The route's URL path, from the root, its values percent-encoded.
                pub fn path(&self) -> String {
                    self.path_with(encode_segment)
                }

                /// As [`Self::path`], with the values encoded by `encode`: in a browser, its own
                /// `encodeURIComponent`, which costs a wasm build nothing.
                #[allow(unused_variables)] // routes without values
                pub fn path_with(&self, encode: fn(&str) -> String) -> String {
                    $( let $field = encode(self.$field); )*
                    ["", $(routes!(@part $seg)),+].join("/")
                }
            }
        )*

        /// Every route's method and path template, in the table's order.
        pub const TABLE: &[(Method, &str)] = &[$((Method::$method, $name::TEMPLATE)),*];

        /// A request the Worker serves, read from its method and path.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Route<'a> {
            $( $name($name<'a>), )*
        }

        impl<'a> Route<'a> {
            /// The route for `method` and `segments` (the path without its leading `/`, split on
            /// `/`), the first that matches in the order the table lists them.
            pub fn parse(method: Option<Method>, segments: &[&'a str]) -> Result<Self, Unrouted> {
                let mut known = false;
                $(
                    if matches(segments, &[$(routes!(@pattern $seg)),+]) {
                        if method == Some(Method::$method) {
                            if let [$(routes!(@bind $seg)),+] = *segments {
                                return Ok(Route::$name($name { $($field,)* _path: ::core::marker::PhantomData }));
                            }
                        }
                        known = true;
                    }
                )*
                Err(if known { Unrouted::MethodNotAllowed } else { Unrouted::NotFound })
            }

            /// The route's method.
            pub fn method(&self) -> Method {
                match self {
                    $( Route::$name(_) => Method::$method, )*
                }
            }

            /// The route's URL path.
            pub fn path(&self) -> String {
                match self {
                    $( Route::$name(route) => route.path(), )*
                }
            }
        }
    };
    (@struct $(#[doc = $doc:literal])* $name:ident { $($field:ident),* }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name<'a> {
            $( pub $field: &'a str, )*
            _path: ::core::marker::PhantomData<&'a str>,
        }

        impl<'a> $name<'a> {
            /// The route with these values in its path.
            #[allow(clippy::new_without_default)]
            pub fn new($($field: &'a str),*) -> Self {
                Self { $($field,)* _path: ::core::marker::PhantomData }
            }
        }
    };
    (@pattern $lit:literal) => { Some($lit) };
    (@pattern $field:ident) => { None };
    (@bind $lit:literal) => { _ };
    (@bind $field:ident) => { $field };
    (@part $lit:literal) => { $lit };
    (@part $field:ident) => { $field.as_str() };
    (@template $lit:literal) => { concat!("/", $lit) };
    (@template $field:ident) => { concat!("/{", stringify!($field), "}") };
}

routes! {
    // ---- public site config ----
    /// The site's public chat config, for the loader and the widget.
    WidgetConfig { site } = Get ["api", "sites", site, "widget-config"];

    // ---- the visitor's API (the widget) ----
    /// Starts a conversation with its first message.
    WidgetStart {} = Post ["api", "widget", "conversations"];
    /// The visitor's open conversation on this site, if any.
    WidgetCurrent {} = Get ["api", "widget", "conversations", "current"];
    /// A conversation's messages after a sequence number.
    WidgetHistory { id } = Get ["api", "widget", "conversations", id, "messages"];
    /// The visitor's own conversation as a zip.
    WidgetExport { id } = Get ["api", "widget", "conversations", id, "export"];
    /// The visitor asks for their data to be erased.
    WidgetErasure { id } = Post ["api", "widget", "conversations", id, "erasure"];
    /// The e-mail the team has for the visitor, if any.
    WidgetEmail { id } = Get ["api", "widget", "conversations", id, "email"];
    /// The visitor leaves their e-mail, for replies after they have left.
    SetWidgetEmail { id } = Put ["api", "widget", "conversations", id, "email"];
    /// Sends a message.
    WidgetSend { id } = Post ["api", "widget", "conversations", id, "messages"];
    /// The conversation's socket (a WebSocket upgrade).
    WidgetSocket { id } = Get ["api", "widget", "conversations", id, "socket"];
    /// Uploads a file to send.
    WidgetUpload {} = Post ["api", "widget", "uploads"];
    /// Identifies the visitor with their site's signed token.
    WidgetIdentify {} = Post ["api", "widget", "identify"];
    /// A file sent in the conversation.
    WidgetAttachment { id, file } = Get ["api", "widget", "conversations", id, "attachments", file];

    // ---- the agents' API: sessions and the agent's own account ----
    /// Signs in.
    SignIn {} = Post ["api", "agent", "session"];
    /// Signs out.
    SignOut {} = Delete ["api", "agent", "session"];
    /// Signs out on every device.
    SignOutEverywhere {} = Delete ["api", "agent", "sessions"];
    /// Changes the agent's password.
    ChangePassword {} = Put ["api", "agent", "me", "password"];
    /// The team's members.
    TeamMembers {} = Get ["api", "agent", "team"];
    /// The signed-in agent.
    Me {} = Get ["api", "agent", "me"];
    /// Sets the agent's status (available, away).
    SetStatus {} = Put ["api", "agent", "me", "status"];
    /// Sets the agent's picture.
    PutAvatar {} = Put ["api", "agent", "me", "avatar"];
    /// Removes the agent's picture.
    DeleteAvatar {} = Delete ["api", "agent", "me", "avatar"];
    /// Redirects to an agent's current picture.
    CurrentAvatar { agent } = Get ["api", "avatars", agent];
    /// One version of an agent's picture.
    Avatar { agent, version } = Get ["api", "avatars", agent, version];

    // ---- the agents' API: conversations ----
    /// The conversations the agent may see.
    Conversations {} = Get ["api", "agent", "conversations"];
    /// A conversation's messages.
    AgentHistory { id } = Get ["api", "agent", "conversations", id, "messages"];
    /// Replies in a conversation.
    AgentSend { id } = Post ["api", "agent", "conversations", id, "messages"];
    /// Closes a conversation.
    Close { id } = Post ["api", "agent", "conversations", id, "close"];
    /// Reopens a conversation.
    Reopen { id } = Post ["api", "agent", "conversations", id, "reopen"];
    /// Adds an internal note.
    AddNote { id } = Post ["api", "agent", "conversations", id, "notes"];
    /// A conversation's internal notes.
    Notes { id } = Get ["api", "agent", "conversations", id, "notes"];
    /// The directory of contacts.
    Contacts {} = Get ["api", "agent", "contacts"];
    /// One contact's page.
    Contact { id } = Get ["api", "agent", "contacts", id];
    /// Edits a contact.
    EditContact { id } = Put ["api", "agent", "contacts", id];
    /// Merges another contact into this one.
    MergeContact { id } = Post ["api", "agent", "contacts", id, "merge"];
    /// Undoes a merge.
    UndoMerge { id } = Post ["api", "agent", "contact-merges", id, "undo"];
    /// A contact's data as a zip (admins).
    ExportContact { id } = Get ["api", "admin", "contacts", id, "export"];
    /// Erases a contact and everything stored of them (admins).
    EraseContact { id } = Post ["api", "admin", "contacts", id, "erase"];
    /// The latest erasures (admins).
    Erasures {} = Get ["api", "admin", "erasures"];
    /// Visitors' requests to be erased, waiting (admins).
    ErasureRequests {} = Get ["api", "admin", "erasure-requests"];
    /// Erases the contact a request is for (admins).
    ConfirmErasure { id } = Post ["api", "admin", "erasure-requests", id, "confirm"];
    /// Keeps the contact a request is for, recorded (admins).
    DeclineErasure { id } = Post ["api", "admin", "erasure-requests", id, "decline"];
    /// The visitor's details.
    VisitorDetails { id } = Get ["api", "agent", "conversations", id, "visitor"];
    /// Sets the visitor's details.
    SetVisitorDetails { id } = Put ["api", "agent", "conversations", id, "visitor"];
    /// Offers the visitor to continue by e-mail.
    MakeContact { id } = Post ["api", "agent", "conversations", id, "contact"];
    /// E-mails the transcript.
    SendTranscript { id } = Post ["api", "agent", "conversations", id, "transcript"];
    /// The e-mails sent from a conversation.
    Emails { id } = Get ["api", "agent", "conversations", id, "emails"];
    /// What became of each reply on Meta.
    Deliveries { id } = Get ["api", "agent", "conversations", id, "deliveries"];
    /// The WhatsApp templates the conversation may send.
    Templates { id } = Get ["api", "agent", "conversations", id, "templates"];
    /// Sends a WhatsApp template.
    SendTemplate { id } = Post ["api", "agent", "conversations", id, "template"];
    /// Assigns a conversation to an agent.
    Assign { id } = Put ["api", "agent", "conversations", id, "assignee"];
    /// Gives a conversation to a team.
    AssignTeam { id } = Put ["api", "agent", "conversations", id, "team"];
    /// How a website chat's replies go (chat or e-mail).
    ReplyBy { id } = Put ["api", "agent", "conversations", id, "reply-by"];
    /// The thread socket (a WebSocket upgrade).
    AgentSocket { id } = Get ["api", "agent", "conversations", id, "socket"];
    /// Uploads a file to send.
    AgentUpload { id } = Post ["api", "agent", "conversations", id, "uploads"];
    /// A file sent in the conversation.
    AgentAttachment { id, file } = Get ["api", "agent", "conversations", id, "attachments", file];
    /// Moves a conversation to another inbox.
    MoveConversation { id } = Put ["api", "agent", "conversations", id, "inbox"];
    /// The conversation list's socket (a WebSocket upgrade).
    ListSocket {} = Get ["api", "agent", "inbox", "socket"];

    // ---- the agents' API: the team's shared things ----
    /// The team's snippets.
    Snippets {} = Get ["api", "agent", "snippets"];
    /// Saves a snippet.
    CreateSnippet {} = Post ["api", "agent", "snippets"];
    /// Changes a snippet.
    UpdateSnippet { id } = Put ["api", "agent", "snippets", id];
    /// Deletes a snippet.
    DeleteSnippet { id } = Delete ["api", "agent", "snippets", id];
    /// The agent's unseen mentions.
    Mentions {} = Get ["api", "agent", "mentions"];
    /// Marks a conversation's mentions seen.
    MentionsSeen {} = Post ["api", "agent", "mentions", "seen"];
    /// The inboxes the agent may see.
    Inboxes {} = Get ["api", "agent", "inboxes"];
    /// The teams.
    Teams {} = Get ["api", "agent", "teams"];

    // ---- admins: inboxes, teams, sites ----
    /// Creates an inbox.
    CreateInbox {} = Post ["api", "admin", "inboxes"];
    /// Changes an inbox.
    UpdateInbox { id } = Put ["api", "admin", "inboxes", id];
    /// Deletes an inbox.
    DeleteInbox { id } = Delete ["api", "admin", "inboxes", id];
    /// Creates a team.
    CreateTeam {} = Post ["api", "admin", "teams"];
    /// Changes a team.
    UpdateTeam { id } = Put ["api", "admin", "teams", id];
    /// Deletes a team.
    DeleteTeam { id } = Delete ["api", "admin", "teams", id];
    /// The inbox a site's chats go to.
    SetSiteInbox { site } = Put ["api", "admin", "sites", site, "inbox"];
    /// Replaces a Meta connection's token.
    ReplaceToken { site, id } = Put ["api", "admin", "sites", site, "connections", id, "token"];
    /// A Meta connection's flow settings.
    SetFlow { site, id } = Put ["api", "admin", "sites", site, "connections", id, "flow"];
    /// The inbox a Meta connection's chats go to.
    SetConnectionInbox { site, id } = Put ["api", "admin", "sites", site, "connections", id, "inbox"];

    // ---- chatflows (admins) ----
    /// The site's chatflows.
    Chatflows { site } = Get ["api", "admin", "sites", site, "chatflows"];
    /// Makes a chatflow (a draft).
    CreateChatflow { site } = Post ["api", "admin", "sites", site, "chatflows"];
    /// One chatflow.
    Chatflow { id } = Get ["api", "admin", "chatflows", id];
    /// Saves a chatflow's draft.
    SaveChatflow { id } = Put ["api", "admin", "chatflows", id];
    /// Deletes a chatflow and its versions.
    DeleteChatflow { id } = Delete ["api", "admin", "chatflows", id];
    /// Publishes the draft as the next version.
    PublishChatflow { id } = Post ["api", "admin", "chatflows", id, "publish"];
    /// The published versions.
    ChatflowVersions { id } = Get ["api", "admin", "chatflows", id, "versions"];
    /// What a flow's bot sessions did, per version.
    ChatflowReport { id } = Get ["api", "admin", "chatflows", id, "report"];
    /// Publishes an earlier version again.
    RollBackChatflow { id } = Post ["api", "admin", "chatflows", id, "rollback"];

    /// A site's chat settings.
    Settings { site } = Get ["api", "admin", "sites", site, "settings"];
    /// The site's contact properties.
    ContactProperties { site } = Get ["api", "admin", "sites", site, "contact-properties"];
    /// Defines a contact property.
    CreateContactProperty { site } = Post ["api", "admin", "sites", site, "contact-properties"];
    /// Relabels a contact property (or changes a choice's options).
    UpdateContactProperty { site, key } = Put ["api", "admin", "sites", site, "contact-properties", key];
    /// Deletes a contact property and every contact's value of it.
    DeleteContactProperty { site, key } = Delete ["api", "admin", "sites", site, "contact-properties", key];
    /// Replaces a site's chat settings.
    PutSettings { site } = Put ["api", "admin", "sites", site, "settings"];
    /// A site's identity secret.
    IdentitySecret { site } = Get ["api", "admin", "sites", site, "identity"];
    /// Rotates a site's identity secret.
    RotateIdentitySecret { site } = Post ["api", "admin", "sites", site, "identity", "secret"];
    /// A site's webhook secret (signs its chatflow bots' calls).
    WebhookSecret { site } = Get ["api", "admin", "sites", site, "webhooks"];
    /// Rotates a site's webhook secret.
    RotateWebhookSecret { site } = Post ["api", "admin", "sites", site, "webhooks", "secret"];
    /// A site's Meta connections.
    Connections { site } = Get ["api", "admin", "sites", site, "connections"];
    /// Connects a Messenger page or WhatsApp number.
    Connect { site } = Post ["api", "admin", "sites", site, "connections"];
    /// Removes a Meta connection.
    Disconnect { site, id } = Delete ["api", "admin", "sites", site, "connections", id];

    // ---- admins: operations and the team ----
    /// Runs the housekeeping now.
    Housekeeping {} = Post ["api", "admin", "housekeeping"];
    /// What the queues gave up on.
    DeadLetters {} = Get ["api", "admin", "dead-letters"];
    /// Sends a dead letter back to its queue.
    RetryDeadLetter { id } = Post ["api", "admin", "dead-letters", id, "retry"];
    /// The reports.
    Reports {} = Get ["api", "admin", "reports"];
    /// Pending invitations.
    Invitations {} = Get ["api", "admin", "invitations"];
    /// Invites someone to the team.
    Invite {} = Post ["api", "admin", "invitations"];
    /// Withdraws an invitation.
    WithdrawInvitation { id } = Delete ["api", "admin", "invitations", id];
    /// Sets a member's role.
    SetRole { id } = Put ["api", "admin", "agents", id, "role"];
    /// Sets a member's chat limit.
    SetChatLimit { id } = Put ["api", "admin", "agents", id, "chat-limit"];
    /// Removes a member from the team.
    RemoveAgent { id } = Delete ["api", "admin", "agents", id];
    /// What the invitation with the caller's token is for.
    CurrentInvitation {} = Get ["api", "invitations", "current"];
    /// Accepts an invitation.
    AcceptInvitation {} = Post ["api", "invitations", "accept"];
    /// First run of a fresh deployment.
    Setup {} = Post ["api", "setup"];

    // ---- webhooks ----
    /// Meta's subscription check for Messenger.
    VerifyMessenger {} = Get ["webhooks", "messenger"];
    /// Meta's subscription check for WhatsApp.
    VerifyWhatsApp {} = Get ["webhooks", "whatsapp"];
    /// The e-mail provider's inbound mail.
    MailWebhook {} = Post ["webhooks", "email"];
    /// Messenger's events.
    MessengerWebhook {} = Post ["webhooks", "messenger"];
    /// WhatsApp's events.
    WhatsAppWebhook {} = Post ["webhooks", "whatsapp"];

    // ---- pages and files ----
    /// A file behind a link in an e-mail or on Meta.
    LinkedFile { conversation, file } = Get ["files", conversation, file];
    /// The widget frame's page.
    Frame {} = Get ["widget", "frame"];
    /// The inbox app's page.
    InboxPage {} = Get ["inbox"];
    /// The home page.
    Home {} = Get [""];
    /// The icon.
    Favicon {} = Get ["favicon.ico"];
    /// The icon, as SVG.
    FaviconSvg {} = Get ["favicon.svg"];
}

#[cfg(test)]
mod tests;
