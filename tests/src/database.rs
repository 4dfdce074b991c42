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

/// Where in the Worker's local state (D1, every Durable Object, R2's records) a text column
/// holds one of `needles`: `{file}: {table}.{column}` for each, none when nothing does. Search
/// indexes are not read byte by byte (their segments hold terms, not rows); ask them with
/// `MATCH` instead.
pub fn local_state_holding(needles: &[&str]) -> Vec<String> {
    let _shared = sharing_the_database();
    const SCRIPT: &str = r#"
import glob, json, sqlite3, sys
state, needles = sys.argv[1], json.loads(sys.argv[2])
shadow = ('_data', '_idx', '_docsize', '_config', '_content')
hits = []
for path in glob.glob(state + '/v3/**/*.sqlite', recursive=True):
    if '/cache/' in path:
        continue
    db = sqlite3.connect('file:' + path + '?mode=ro', uri=True, timeout=30)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table.startswith('sqlite_') or table.endswith(shadow):
            continue
        try:
            columns = [r[1] for r in db.execute('PRAGMA table_info("%s")' % table)]
        except sqlite3.Error:
            continue
        for column in columns:
            for needle in needles:
                sql = 'SELECT count(*) FROM "%s" WHERE instr(CAST("%s" AS TEXT), ?) > 0' % (table, column)
                try:
                    (n,) = db.execute(sql, (needle,)).fetchone()
                except sqlite3.Error:
                    continue
                if n:
                    hits.append('%s: %s.%s' % (path.split('/v3/')[-1], table, column))
print(json.dumps(sorted(set(hits))))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(env("STATE_DIR"))
        .arg(serde_json::to_string(needles).expect("JSON"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON list")
}

/// The rows `sql` reads from the Worker's local D1 database (read only), each as a JSON array.
pub fn local_query(sql: &str) -> Vec<serde_json::Value> {
    let _shared = sharing_the_database();
    const SCRIPT: &str = "import glob, json, sqlite3, sys\n\
        files = [f for f in glob.glob(sys.argv[1] + '/v3/d1/miniflare-D1DatabaseObject/*.sqlite')\n\
                 if not f.endswith('metadata.sqlite')]\n\
        db = sqlite3.connect('file:' + files[0] + '?mode=ro', uri=True, timeout=30)\n\
        print(json.dumps([list(r) for r in db.execute(sys.argv[2])]))\n";
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(env("STATE_DIR"))
        .arg(sql)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON list")
}
