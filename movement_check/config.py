"""The live session's settings: who may sign in, ICE servers, the addresses the live video may use, the pose
model, where data is kept.

Read from a TOML file (``MOVEMENT_CHECK_CONFIG``, else ``movement-check.toml``
in the working folder, else nothing) and from environment variables, which win:

``MOVEMENT_CHECK_THERAPISTS``
    JSON object, therapist name -> password hash (``movement-check hash-password``).
``MOVEMENT_CHECK_ADMINS``
    JSON list (or comma-separated) of therapists who administer the record: they see every patient and
    assign patients to therapists' care teams (file: ``[roles] admins = ["jdoe"]``). Each must be a
    therapist. Other therapists see and file only for the patients in their care.
``MOVEMENT_CHECK_ICE_SERVERS``
    JSON list of RTCIceServer objects, e.g.
    ``[{"urls": ["stun:stun.example.org:3478"]}, {"urls": ["turn:turn.example.org:3478"],
    "username": "u", "credential": "p"}]``. Empty by default: the app then
    connects browsers on this computer or this network only, and contacts no
    outside server. Patients at home behind a router need a STUN/TURN server
    the clinic runs or trusts.
``MOVEMENT_CHECK_MEDIA_ADDRESSES``
    which of this computer's addresses the live video (WebRTC) may use: a
    JSON list or comma-separated, e.g. ``192.168.1.20``. Loopback only
    (``127.0.0.1``) by default: then only a browser on this computer can send
    its camera, as the web page itself is served on this computer only. Set
    the server's network or public address when patients connect from
    elsewhere (and a TURN relay in the ICE servers when they are behind
    routers). See :mod:`movement_check.media_addresses`.
``MOVEMENT_CHECK_LIVE_MODEL``
    ``full`` (bundled, the default) or ``lite`` (faster; see models/README.md).
``MOVEMENT_CHECK_DATA_DIR``
    where each step's result and landmark trajectories are kept
    (default ``movement-check-data`` in the working folder). Video is never kept.
``MOVEMENT_CHECK_RECORD``
    the clinic record (patients, check-ins, results): a SQLite file path or a
    database URL such as ``postgresql+psycopg://user:password@host/dbname``
    (default ``record.sqlite`` in the data folder).
``MOVEMENT_CHECK_CODE_MINUTES``
    how long a patient's join code stays valid (default 120).
``MOVEMENT_CHECK_SCHEDULER``
    a Dask scheduler, ``tcp://HOST:8786`` (or ``tls://...``), for ``movement-check batch`` and the app's offline
    analyses (:mod:`movement_check.compute`). Unset by default: the batch starts its own workers on this computer
    and the app analyses in its own process. Dask's protocol is unauthenticated unless TLS is configured: the
    scheduler's port must be reachable by the clinic's own machines only.

The file takes the same settings::

    [therapists]
    jdoe = "pbkdf2_sha256$600000$..."

    [live]
    model = "lite"
    code_minutes = 90
    ice_servers = [{urls = ["stun:stun.example.org:3478"]}]
    media_addresses = ["192.168.1.20"]

    [compute]
    scheduler = "tcp://10.0.0.5:8786"

    [storage]
    data_dir = "/srv/movement-check"
    record = "postgresql+psycopg://movement_check:secret@db.clinic.local/movement_check"

There is no default password: with no therapist configured, the therapist's
page says how to add one.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from movement_check.errors import InputError
from movement_check.media_addresses import LOOPBACK, parse_address

CONFIG_ENV = "MOVEMENT_CHECK_CONFIG"
DEFAULT_FILE = "movement-check.toml"
MODELS = ("full", "lite")


@dataclass(frozen=True)
class LiveConfig:
    therapists: dict[str, str] = field(default_factory=dict)
    admins: frozenset[str] = frozenset()
    ice_servers: tuple[dict, ...] = ()
    media_addresses: tuple[str, ...] = LOOPBACK      # where the live video may be sent and received
    model: str = "full"
    data_dir: Path = Path("movement-check-data")
    code_minutes: float = 120.0
    record: str = ""                    # a SQLite path or a database URL; "" = record.sqlite in data_dir
    scheduler: str = ""                 # a Dask scheduler's address; "" = work on this computer
    source: str = "defaults"

    @property
    def record_location(self) -> str:
        return self.record or str(self.data_dir / "record.sqlite")

    @property
    def rtc_configuration(self) -> dict:
        """What streamlit-webrtc takes: an explicit (possibly empty) list, never None
        (None or ``{}`` makes it fall back to a public STUN server)."""
        return {"iceServers": [dict(s) for s in self.ice_servers]}


HOW_TO_ADD_A_THERAPIST = (
    "No therapist account is configured. On the computer running the app, run "
    "`movement-check hash-password` and put its output in movement-check.toml under [therapists] "
    "(e.g. jdoe = \"pbkdf2_sha256$...\"), or set MOVEMENT_CHECK_THERAPISTS='{\"jdoe\": \"pbkdf2_sha256$...\"}'; "
    "then restart the app."
)


def load_config(environ: dict[str, str] | None = None, *, cwd: Path | None = None) -> LiveConfig:
    """The settings from the file and the environment (see the module docstring).

    Raises :class:`InputError` naming the setting when one cannot be read.
    """
    env = os.environ if environ is None else environ
    folder = cwd or Path.cwd()
    path = Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else folder / DEFAULT_FILE
    data: dict = {}
    source = "defaults"
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"The settings file {path} cannot be read ({exc}): fix it or remove it.") from None
        source = str(path)
    elif env.get(CONFIG_ENV):
        raise InputError(f"{CONFIG_ENV} names {path}, which does not exist.")
    live = data.get("live", {})
    therapists = dict(data.get("therapists", {}))
    if env.get("MOVEMENT_CHECK_THERAPISTS"):
        therapists = _json(env["MOVEMENT_CHECK_THERAPISTS"], "MOVEMENT_CHECK_THERAPISTS", dict)
    admins = _names(env.get("MOVEMENT_CHECK_ADMINS") or data.get("roles", {}).get("admins", []),
                    "MOVEMENT_CHECK_ADMINS")
    unknown = sorted(admins - set(map(str, therapists)))
    if unknown:
        raise InputError(f"Every administrator must be a therapist with a password; not one: {', '.join(unknown)}.")
    ice = live.get("ice_servers", [])
    if env.get("MOVEMENT_CHECK_ICE_SERVERS"):
        ice = _json(env["MOVEMENT_CHECK_ICE_SERVERS"], "MOVEMENT_CHECK_ICE_SERVERS", list)
    for server in ice:
        if not isinstance(server, dict) or "urls" not in server:
            raise InputError(f"Each ICE server needs \"urls\" (got {server!r}): "
                             "e.g. {\"urls\": [\"stun:stun.example.org:3478\"]}.")
    media = _media_addresses(env.get("MOVEMENT_CHECK_MEDIA_ADDRESSES") or live.get("media_addresses", list(LOOPBACK)))
    model = env.get("MOVEMENT_CHECK_LIVE_MODEL") or live.get("model", "full")
    if model not in MODELS:
        raise InputError(f"The live model must be one of {', '.join(MODELS)} (got {model!r}).")
    data_dir = Path(env.get("MOVEMENT_CHECK_DATA_DIR") or data.get("storage", {}).get("data_dir",
                                                                                     "movement-check-data"))
    record = env.get("MOVEMENT_CHECK_RECORD") or data.get("storage", {}).get("record", "")
    if record and "://" not in record and not Path(record).is_absolute():
        record = str(folder / record)
    minutes = env.get("MOVEMENT_CHECK_CODE_MINUTES") or live.get("code_minutes", 120)
    try:
        minutes = float(minutes)
    except (TypeError, ValueError):
        raise InputError(f"code_minutes must be a number of minutes (got {minutes!r}).") from None
    scheduler = scheduler_address(env.get("MOVEMENT_CHECK_SCHEDULER") or data.get("compute", {}).get("scheduler", ""))
    return LiveConfig(therapists={str(k): str(v) for k, v in therapists.items()}, admins=admins,
                      ice_servers=tuple(ice), media_addresses=media, model=model,
                      data_dir=data_dir if data_dir.is_absolute() else folder / data_dir,
                      code_minutes=minutes, record=str(record), scheduler=scheduler, source=source)


SCHEDULER_SCHEMES = ("tcp://", "tls://")


def scheduler_address(value) -> str:
    """A Dask scheduler's address as ``tcp://HOST:PORT`` or ``tls://HOST:PORT`` ("" = none)."""
    if not isinstance(value, str):
        raise InputError(f"The scheduler is an address such as \"tcp://10.0.0.5:8786\" (got {value!r}).")
    text = value.strip()
    if not text:
        return ""
    host, _, port = text.partition("://")[2].rpartition(":")
    if not text.startswith(SCHEDULER_SCHEMES) or not host or not port.isdigit():
        raise InputError(f"The scheduler is an address such as \"tcp://10.0.0.5:8786\" (got {text!r}).")
    return text


def _media_addresses(value) -> tuple[str, ...]:
    """The media addresses from the file (a list, or one string) or the environment (a JSON list, or
    comma-separated), each written as an IP address; whether this computer has them is checked when the
    live video starts (:func:`movement_check.media_addresses.keep_media_on`)."""
    if isinstance(value, str):
        text = value.strip()
        value = _json(text, "MOVEMENT_CHECK_MEDIA_ADDRESSES", list) if text.startswith("[") else text.split(",")
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise InputError(f"media_addresses must be a list of IP addresses, e.g. [\"192.168.1.20\"] (got {value!r}).")
    addresses = [a for a in value if a.strip()]
    if not addresses:
        raise InputError("media_addresses is empty: list at least one address of this computer, e.g. 127.0.0.1.")
    return tuple(dict.fromkeys(parse_address(a) for a in addresses))


def _json(text: str, name: str, kind: type):
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} is not valid JSON ({exc}).") from None
    if not isinstance(value, kind):
        raise InputError(f"{name} must be a JSON {'object' if kind is dict else 'list'}.")
    return value


def _names(value, setting: str) -> frozenset[str]:
    """A list of names from a JSON list, a comma-separated string or a TOML list."""
    if isinstance(value, str):
        value = _json(value, setting, list) if value.strip().startswith("[") else value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{setting} is a list of therapist names (got {str(value)[:60]!r}).")
    return frozenset(v.strip() for v in value if v.strip())
