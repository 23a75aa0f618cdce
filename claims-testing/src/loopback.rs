//! Raw HTTP/1.1 over loopback, for tests that need the bytes on the wire (a HEAD without body,
//! a status line, a connection the server closes) rather than the emulator's view.
//!
//! ```no_run
//! let reply = claims_testing::loopback::exchange(
//!     "127.0.0.1:8080",
//!     "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
//! );
//! assert!(reply.starts_with("HTTP/1.1 200"));
//! ```

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Sends `request` as written to the server at `addr`, which must be a loopback address, and
/// returns everything it answers until it closes the connection (or 10 s pass without a byte),
/// as text. Panics, naming what failed, when it cannot connect or send.
pub fn exchange(addr: impl ToSocketAddrs, request: &str) -> String {
    let addr = addr
        .to_socket_addrs()
        .expect("a socket address")
        .next()
        .expect("an address to connect to");
    assert!(
        addr.ip().is_loopback(),
        "tests only talk to loopback, not {addr}"
    );
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    s.write_all(request.as_bytes())
        .unwrap_or_else(|e| panic!("send to {addr}: {e}"));
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}
