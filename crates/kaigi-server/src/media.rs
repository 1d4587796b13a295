//! Starting the media server (kaigi-media) beside the HTTP server and attaching it to the core
//! and the room pages (docs/media.md).

use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;

use kaigi_core::Kaigi;
use kaigi_media::{Media, MediaConfig, MediaError};
use kaigi_web::live::LiveRooms;

/// What `kaigi serve` was told about media.
#[derive(Debug, Clone)]
pub struct MediaOptions {
    /// `0..=0`: ports the system chooses.
    pub udp_ports: RangeInclusive<u16>,
    pub public_ip: Option<IpAddr>,
    pub recordings_dir: PathBuf,
}

/// `FIRST-LAST`, `PORT`, or `0`.
pub fn parse_port_range(text: &str) -> Result<RangeInclusive<u16>, String> {
    let port = |p: &str| p.trim().parse::<u16>().map_err(|_| format!("{p:?} is not a port number"));
    let range = match text.split_once('-') {
        Some((first, last)) => port(first)?..=port(last)?,
        None => {
            let p = port(text)?;
            p..=p
        }
    };
    if range.is_empty() || (*range.start() == 0 && *range.end() != 0) {
        return Err(format!("{text:?} is not a range FIRST-LAST of ports (or 0)"));
    }
    Ok(range)
}

/// `recordings` beside a SQLite database file; `./kaigi-recordings` otherwise.
pub fn default_recordings_dir(database_url: &str) -> PathBuf {
    let file = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"));
    match file.map(|f| f.split('?').next().unwrap_or(f)).map(std::path::Path::new) {
        Some(path) => path.parent().map_or_else(|| PathBuf::from("recordings"), |dir| dir.join("recordings")),
        None => PathBuf::from("kaigi-recordings"),
    }
}

/// Starts the media server on the address kaigi listens on and attaches it.
pub async fn start(
    kaigi: &Arc<Kaigi>,
    options: &MediaOptions,
    listen_ip: IpAddr,
) -> Result<Arc<LiveRooms>, MediaError> {
    let public_ip = options.public_ip.or_else(|| {
        if listen_ip.is_unspecified() {
            tracing::warn!(
                "kaigi listens on every address and no --media-public-ip is set: browsers are told 127.0.0.1 for media"
            );
            Some(IpAddr::from([127, 0, 0, 1]))
        } else {
            None
        }
    });
    // Port 0 on several workers would give each its own port: one worker per port asked for.
    let udp_ports = if *options.udp_ports.start() == 0 {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        std::iter::repeat_n(0u16, cores).collect::<Vec<_>>()
    } else {
        options.udp_ports.clone().collect()
    };
    let media = Media::start_on(
        MediaConfig {
            bind: listen_ip,
            udp_ports: options.udp_ports.clone(),
            public_ip,
            recordings_dir: options.recordings_dir.clone(),
        },
        &udp_ports,
    )
    .await?;
    tracing::info!(addresses = ?media.addresses(), recordings = %options.recordings_dir.display(), "media server ready");
    let live = LiveRooms::new(media);
    kaigi.attach_live_media(live.clone());
    Ok(live)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_are_read_or_refused() {
        assert_eq!(parse_port_range("50000-50003"), Ok(50000..=50003));
        assert_eq!(parse_port_range("50000"), Ok(50000..=50000));
        assert_eq!(parse_port_range("0"), Ok(0..=0));
        for bad in ["", "x", "50003-50000", "0-10", "70000", "1-2-3"] {
            assert!(parse_port_range(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn recordings_live_beside_the_sqlite_file() {
        assert_eq!(
            default_recordings_dir("sqlite:///var/lib/kaigi/kaigi.db"),
            PathBuf::from("/var/lib/kaigi/recordings")
        );
        assert_eq!(default_recordings_dir("sqlite://kaigi.db?synchronous=full"), PathBuf::from("recordings"));
        assert_eq!(default_recordings_dir("postgres://kaigi@db/kaigi"), PathBuf::from("kaigi-recordings"));
    }
}
