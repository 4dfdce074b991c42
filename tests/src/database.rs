//! Running SQL on the Worker's local D1 database, for what no API may do, and keeping this
//! binary's requests away from the database file while it is written by hand.

use crate::env;

/// Runs SQL on the Worker's local D1 database, for what no API may do, such as making a row
/// look a day old or leaving the state a failure leaves.
pub fn local_sql(sql: &str) {
    assert!(try_local_sql(sql), "the local database refused: {sql}");
}

/// Between the test's own writes to the database file and the Worker's: a write here takes it
/// whole, every request and socket handshake of this test binary shares it. The local runtime's
/// SQLite answers a write that meets another process's with `SQLITE_BUSY` at once (no busy
/// wait), so a request of a test running beside one that writes by hand would fail for a reason
/// no deployment has. Work the Worker does in the background retries on its own.
static DATABASE: std::sync::RwLock<()> = std::sync::RwLock::new(());

pub(crate) fn sharing_the_database() -> std::sync::RwLockReadGuard<'static, ()> {
    DATABASE.read().unwrap_or_else(|p| p.into_inner())
}

/// As [`local_sql`]; whether the database took it (a constraint may refuse it).
///
/// It writes the database file itself (SQLite in WAL mode, shared with workerd), with a busy
/// timeout, in a few milliseconds (`wrangler d1 execute` starts a runtime of its own, and holds
/// the file far longer), while no request of this binary is on its way ([`DATABASE`]).
pub fn try_local_sql(sql: &str) -> bool {
    let _alone = DATABASE.write().unwrap_or_else(|p| p.into_inner());
    const SCRIPT: &str = "import glob, sqlite3, sys\n\
        files = [f for f in glob.glob(sys.argv[1] + '/v3/d1/miniflare-D1DatabaseObject/*.sqlite')\n\
                 if not f.endswith('metadata.sqlite')]\n\
        assert len(files) == 1, files\n\
        db = sqlite3.connect(files[0], timeout=30, isolation_level=None)\n\
        db.executescript(sys.stdin.read())\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(env("STATE_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(sql.as_bytes()).expect("the SQL is written");
    }
    child.wait().expect("python3 finishes").success()
}
