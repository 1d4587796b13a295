//! Stub until the real writer lands.
use std::io::{Seek, Write};
pub enum Track { Video, Audio }
pub struct WebmWriter<W: Write + Seek> { out: W }
impl<W: Write + Seek> WebmWriter<W> {
    pub fn new(out: W) -> std::io::Result<Self> { Ok(Self { out }) }
    pub fn write(&mut self, _t: Track, _at: u64, _k: bool, d: &[u8]) -> std::io::Result<()> { self.out.write_all(d) }
    pub fn finish(self) -> std::io::Result<W> { Ok(self.out) }
}
