//! The files of a corpus, read in order and block by block onto the end of one buffer, with the
//! buffers of counted batches taken back for reuse and a flag that stops the reading.

use std::fs::File;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use crate::error::{Error, Result};

/// How often a wait on a pipe looks at the cancel flag.
const PIPE_POLL: Duration = Duration::from_millis(50);

/// The file being read, and its index in the list of files.
struct OpenFile {
    file: Input,
    index: usize,
}

enum Input {
    /// A regular file, read here: its reads always return.
    Regular(File),
    /// Anything else (a FIFO, a pipe, a device), whose open and reads may wait for ever for a
    /// writer. A thread of its own opens and reads it and hands over the blocks, so that the
    /// reading can stop when asked; that thread is left behind, still waiting, and ends with
    /// its next block.
    Stream(mpsc::Receiver<std::io::Result<Vec<u8>>>),
}

/// Open `name` and send its blocks of `block_bytes` (a shorter one at its end) until the
/// receiver hangs up or reading fails.
fn stream(name: String, block_bytes: usize) -> mpsc::Receiver<std::io::Result<Vec<u8>>> {
    let (send, receive) = mpsc::sync_channel(1);
    std::thread::spawn(move || {
        let mut file = match File::open(&name) {
            Ok(file) => file,
            Err(err) => {
                let _ = send.send(Err(err));
                return;
            }
        };
        loop {
            let mut block = Vec::with_capacity(block_bytes);
            let read = (&mut file).take(block_bytes as u64).read_to_end(&mut block);
            let end = matches!(&read, Ok(0) | Err(_));
            if send.send(read.map(|_| block)).is_err() || end {
                return;
            }
        }
    });
    receive
}

/// Reads the files in order, one at a time, onto the end of [`FileSource::buf`].
pub struct FileSource<'a> {
    pub files: &'a [String],
    block_bytes: usize,
    next_file: usize,
    file: Option<OpenFile>,
    /// What has been read and not yet handed out in a batch.
    pub buf: Vec<u8>,
    /// Buffers of batches that have been counted, to be filled again.
    recycled: Option<mpsc::Receiver<Vec<u8>>>,
    /// Stop reading when this becomes true: one document may be a whole file, or a pipe that
    /// never ends.
    cancel: Option<&'a AtomicBool>,
    /// Where the bytes read so far are added up, for progress reports.
    read: Option<&'a AtomicU64>,
}

impl<'a> FileSource<'a> {
    /// The files `files`, read `block_bytes` at a time.
    pub fn new(files: &'a [String], block_bytes: usize) -> Self {
        FileSource {
            files,
            block_bytes: block_bytes.max(1),
            next_file: 0,
            file: None,
            buf: Vec::new(),
            recycled: None,
            cancel: None,
            read: None,
        }
    }

    /// Take the buffers of counted batches back from `recycled`.
    pub fn recycling(&mut self, recycled: mpsc::Receiver<Vec<u8>>) {
        self.recycled = Some(recycled);
    }

    /// Stop reading, with [`Error::Interrupted`], once `cancel` becomes true.
    pub fn cancelled_by(&mut self, cancel: &'a AtomicBool) {
        self.cancel = Some(cancel);
    }

    /// Add the number of bytes read to `read` as the blocks come in.
    pub fn counting_bytes_into(&mut self, read: &'a AtomicU64) {
        self.read = Some(read);
    }

    /// [`Error::Interrupted`] if the reading must stop.
    pub fn check_cancel(&self) -> Result<()> {
        if self
            .cancel
            .is_some_and(|cancel| cancel.load(Ordering::Relaxed))
        {
            return Err(Error::Interrupted);
        }
        Ok(())
    }

    /// Whether the file being read is a pipe (or another file that cannot be read again).
    pub fn reading_a_pipe(&self) -> bool {
        matches!(
            self.file,
            Some(OpenFile {
                file: Input::Stream(_),
                ..
            })
        )
    }

    /// The index of the file being read, if one is open.
    pub fn reading(&self) -> Option<usize> {
        self.file.as_ref().map(|open| open.index)
    }

    /// Open the next file and return its index; None if every file has been opened.
    pub fn open_next(&mut self) -> Result<Option<usize>> {
        let index = self.next_file;
        let Some(name) = self.files.get(index) else {
            return Ok(None);
        };
        // A stat never waits, where opening a FIFO without a writer does.
        let regular = std::fs::metadata(name).is_ok_and(|meta| meta.is_file());
        let file = if regular {
            Input::Regular(File::open(name).map_err(|err| Error::io(name, &err))?)
        } else {
            Input::Stream(stream(name.clone(), self.block_bytes))
        };
        self.file = Some(OpenFile { file, index });
        self.next_file += 1;
        Ok(Some(index))
    }

    /// Read one block of the file being read onto the end of the buffer; true if that was its
    /// end (or no file is open).
    pub fn read_block(&mut self) -> Result<bool> {
        let Some(open) = self.file.as_mut() else {
            return Ok(true);
        };
        let want = self.block_bytes;
        let name = &self.files[open.index];
        let (got, ended) = match &mut open.file {
            Input::Regular(file) => {
                let got = file
                    .take(want as u64)
                    .read_to_end(&mut self.buf)
                    .map_err(|err| Error::io(name, &err))?;
                (got, got < want)
            }
            Input::Stream(blocks) => loop {
                if self
                    .cancel
                    .is_some_and(|cancel| cancel.load(Ordering::Relaxed))
                {
                    return Err(Error::Interrupted);
                }
                match blocks.recv_timeout(PIPE_POLL) {
                    Ok(Ok(block)) => {
                        self.buf.extend_from_slice(&block);
                        break (block.len(), block.len() < want);
                    }
                    Ok(Err(err)) => return Err(Error::io(name, &err)),
                    Err(RecvTimeoutError::Timeout) => {}
                    // The reading thread sent the end (or an error) before it left.
                    Err(RecvTimeoutError::Disconnected) => break (0, true),
                }
            },
        };
        if let Some(read) = self.read {
            read.fetch_add(got as u64, Ordering::Relaxed);
        }
        Ok(ended)
    }

    /// Stop reading the file being read.
    pub fn close(&mut self) {
        self.file = None;
    }

    /// Hand out the first `cut` bytes of the buffer; the rest stays, moved to the front of a
    /// buffer taken back from a counted batch if there is one.
    pub fn split_off_front(&mut self, cut: usize) -> Vec<u8> {
        let mut rest = self
            .recycled
            .as_ref()
            .and_then(|recycled| recycled.try_recv().ok())
            .unwrap_or_default();
        rest.clear();
        rest.reserve(self.buf.len() - cut + self.block_bytes);
        rest.extend_from_slice(&self.buf[cut..]);
        let mut bytes = std::mem::replace(&mut self.buf, rest);
        bytes.truncate(cut);
        bytes
    }
}
