//! Streaming mbox splitter (mboxrd and mboxo, plain or gzip).
//!
//! Reads one line at a time and yields one [`RawMessage`] at a time, so memory
//! is bounded by the largest message, never by the archive.

use crate::parse::MAX_MESSAGE_BYTES;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// How `>From ` lines were escaped by the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MboxFlavor {
    /// `>*From ` lines lose one `>` (lore, public-inbox, git format-patch).
    #[default]
    Rd,
    /// Only `>From ` is unescaped; `>>From ` is left as written.
    O,
}

/// One message as cut from the archive, before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawMessage {
    pub bytes: Vec<u8>,
    /// The mbox `From ` separator line (empty when there was none).
    pub from_line: String,
    /// Byte offset (in the decompressed stream) where this message starts.
    pub offset: u64,
    /// Byte offset just past this message.
    pub end: u64,
}

/// Iterator over the messages of an mbox stream.
pub struct MboxReader<R> {
    reader: R,
    flavor: MboxFlavor,
    line: Vec<u8>,
    pos: u64,
    started: bool,
    next_from: Option<(String, u64)>,
    done: bool,
    /// Messages dropped because they exceeded [`MAX_MESSAGE_BYTES`].
    pub oversized: usize,
}

/// Opens a file as a byte stream, transparently gunzipping (by magic bytes,
/// not by name), and positioned at `offset` of the decompressed stream.
pub fn open_maybe_gz(path: &Path, offset: u64) -> io::Result<Box<dyn BufRead + Send>> {
    let mut f = File::open(path)?;
    let mut magic = [0u8; 2];
    let n = f.read(&mut magic)?;
    f.seek(SeekFrom::Start(0))?;
    if n == 2 && magic == [0x1f, 0x8b] {
        let mut r = BufReader::with_capacity(1 << 16, flate2::read::MultiGzDecoder::new(f));
        io::copy(&mut (&mut r).take(offset), &mut io::sink())?;
        Ok(Box::new(r))
    } else {
        f.seek(SeekFrom::Start(offset))?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
    }
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(reader: R, flavor: MboxFlavor) -> Self {
        Self::at(reader, flavor, 0)
    }

    /// A reader whose stream already starts at byte `pos` of the archive.
    pub fn at(reader: R, flavor: MboxFlavor, pos: u64) -> Self {
        MboxReader {
            reader,
            flavor,
            line: Vec::with_capacity(256),
            pos,
            started: false,
            next_from: None,
            done: false,
            oversized: 0,
        }
    }

    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let n = self.reader.read_until(b'\n', &mut self.line)?;
        self.pos += n as u64;
        Ok(n > 0)
    }
}

fn is_from_line(line: &[u8]) -> bool {
    line.starts_with(b"From ") && line.len() > 6
}

fn is_blank(line: &[u8]) -> bool {
    line == b"\n" || line == b"\r\n"
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<RawMessage>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut msg = RawMessage::default();
        let mut oversized = false;
        match self.next_from.take() {
            Some((from, off)) => {
                msg.from_line = from;
                msg.offset = off;
            }
            None => {
                msg.offset = self.pos;
                // First message: the stream normally opens with a From_ line;
                // a file without one is read as a single message.
                loop {
                    match self.read_line() {
                        Err(e) => return Some(Err(e)),
                        Ok(false) => {
                            self.done = true;
                            return None;
                        }
                        Ok(true) => {}
                    }
                    if is_blank(&self.line) && !self.started {
                        msg.offset = self.pos;
                        continue;
                    }
                    self.started = true;
                    if is_from_line(&self.line) {
                        msg.from_line = String::from_utf8_lossy(&self.line).trim_end().to_string();
                    } else {
                        msg.bytes.extend_from_slice(&self.line);
                    }
                    break;
                }
            }
        }
        let mut prev_blank = false;
        loop {
            let line_start = self.pos;
            match self.read_line() {
                Err(e) => return Some(Err(e)),
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Ok(true) => {}
            }
            if prev_blank && is_from_line(&self.line) {
                self.next_from = Some((
                    String::from_utf8_lossy(&self.line).trim_end().to_string(),
                    line_start,
                ));
                break;
            }
            // The blank line before a From_ separator belongs to the mbox,
            // not the message: hold it back until we know what follows.
            if prev_blank {
                msg.bytes.push(b'\n');
            }
            prev_blank = is_blank(&self.line);
            if prev_blank {
                continue;
            }
            if oversized {
                continue;
            }
            let gt = self.line.iter().take_while(|&&b| b == b'>').count();
            let unescape = gt > 0
                && self.line[gt..].starts_with(b"From ")
                && (self.flavor == MboxFlavor::Rd || gt == 1);
            let line = if unescape {
                &self.line[1..]
            } else {
                &self.line[..]
            };
            msg.bytes.extend_from_slice(line);
            if msg.bytes.len() > MAX_MESSAGE_BYTES {
                oversized = true;
                msg.bytes = Vec::new();
            }
        }
        msg.end = match &self.next_from {
            Some((_, off)) => *off,
            None => self.pos,
        };
        if oversized {
            self.oversized += 1;
            return self.next();
        }
        if msg.bytes.is_empty() && msg.from_line.is_empty() {
            return None;
        }
        Some(Ok(msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &[u8], flavor: MboxFlavor) -> Vec<RawMessage> {
        MboxReader::new(data, flavor).map(|r| r.unwrap()).collect()
    }

    #[test]
    fn splits_and_unescapes_mboxrd() {
        let data = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\n>From here\n>>From there\n\nFrom b@c Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody\nFrom inside (no blank before)\n";
        let msgs = split(data, MboxFlavor::Rd);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"Subject: one\n\nFrom here\n>From there\n");
        assert_eq!(
            msgs[1].bytes,
            b"Subject: two\n\nbody\nFrom inside (no blank before)\n"
        );
        assert_eq!(msgs[0].offset, 0);
        assert_eq!(msgs[1].offset, msgs[0].end);
        assert_eq!(&data[msgs[1].offset as usize..][..5], b"From ");
        let o = split(data, MboxFlavor::O);
        assert_eq!(o[0].bytes, b"Subject: one\n\nFrom here\n>>From there\n");
    }

    #[test]
    fn file_without_separator_is_one_message() {
        let msgs = split(b"Subject: x\n\nhi\n", MboxFlavor::Rd);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].bytes, b"Subject: x\n\nhi\n");
        assert!(split(b"", MboxFlavor::Rd).is_empty());
    }

    #[test]
    fn resumes_at_offset() {
        let data =
            b"From a\nSubject: 1\n\nx\n\nFrom b\nSubject: 2\n\ny\n\nFrom c\nSubject: 3\n\nz\n";
        let all = split(data, MboxFlavor::Rd);
        assert_eq!(all.len(), 3);
        let rest: Vec<_> = MboxReader::at(
            &data[all[1].offset as usize..],
            MboxFlavor::Rd,
            all[1].offset,
        )
        .map(|r| r.unwrap())
        .collect();
        assert_eq!(rest.len(), 2);
        assert_eq!(rest[0].bytes, all[1].bytes);
        assert_eq!(rest[1].end, data.len() as u64);
    }
}
