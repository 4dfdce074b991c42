//! The WordPress plugin (`embed/wordpress/porchlight`): every PHP file linted with `php -l`, then
//! the plugin's tests (`embed/wordpress/tests/run.php`, WordPress replaced by a small harness).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::tools::{self, root, run, step};

/// Lints and tests the plugin, installing PHP first if it is missing.
pub fn check() -> Result<()> {
    tools::ensure_php()?;
    let dir = root().join("embed/wordpress");
    let mut files = Vec::new();
    php_files(&dir, &mut files)?;
    files.sort();
    step(&format!(
        "linting the WordPress plugin's {} PHP files (php -l)",
        files.len()
    ));
    for file in &files {
        run(Command::new(tools::PHP)
            .args(["-l", "-d", "display_errors=stderr"])
            .arg(file)
            .stdout(std::process::Stdio::null()))?;
    }
    step("testing the WordPress plugin (php embed/wordpress/tests/run.php)");
    run(Command::new(tools::PHP)
        .arg(dir.join("tests/run.php"))
        .current_dir(root()))
}

/// Every `.php` file under `dir`.
fn php_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            php_files(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "php") {
            files.push(path);
        }
    }
    Ok(())
}
