//! An example of the workspace run as a process, as a user runs it: its
//! routes called over loopback, its stderr collected line by line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The example, running; killed on drop.
pub struct Example {
    child: Child,
    pub base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Example {
    /// Runs example `name` with `env` (and `PORT`), and waits until it
    /// says it is listening.
    pub fn start(name: &str, env: &[(&str, String)]) -> Example {
        clerk_api::install_tls_provider();
        let binary = crate::example_binaries()
            .remove(name)
            .unwrap_or_else(|| panic!("the {name} example is built"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(binary);
        command
            .env_remove("CLERK_JWT_KEY")
            .env_remove("CLERK_SECRET_KEY")
            .env_remove("CLERK_API_URL")
            .env_remove("CLERK_WEBHOOK_SIGNING_SECRET")
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let stderr = child.stderr.take().unwrap();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line);
                }
            });
        }
        let started = Instant::now();
        while !log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("listening on"))
        {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the example exited ({status}): {:?}", log.lock().unwrap());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "not listening: {:?}",
                log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Example {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// `GET route`, with a bearer token if given: status and body.
    pub async fn get(&self, route: &str, token: Option<&str>) -> (u16, String) {
        let mut request = reqwest::Client::new().get(format!("{}{route}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// `POST route` with `headers` and `body`: status and body.
    pub async fn post(
        &self,
        route: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (u16, String) {
        let mut request = reqwest::Client::new()
            .post(format!("{}{route}", self.base))
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The lines it wrote to stderr so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
