"""``caring-community viz``: start the workshop page (a Solara server) and print its address."""

from __future__ import annotations

import errno
import importlib.util
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from ..errors import UserError
from .levers import BY_NAME

APP = Path(__file__).resolve().with_name("app.py")


#: How long the server keeps the run of a page that disconnected without closing (Solara's format).
SESSION_KEPT = "1h"


def server_command(host: str, port: int) -> list[str]:
    """The command that serves the page: Solara in production mode (no reloader, no browser opened,
    no version check on PyPI: the room may have no internet)."""
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port), "--production",
            "--no-open", "--no-check-version", "--theme-variant", "light", "--theme-loader", "plain",
            "--log-level", "warning"]


def server_env(scenario: str, lang: str, residents: int, seed: int, base: dict | None = None) -> dict[str, str]:
    """Environment for the server: the workshop settings, and no telemetry (the room may be offline).

    A laptop that leaves without closing its page (the lid shut, off the room's Wi-Fi) keeps its run on
    the server until Solara culls its session: after :data:`SESSION_KEPT` unless
    ``SOLARA_KERNEL_CULL_TIMEOUT`` is set (Solara's own default is 24 hours).
    """
    env = dict(os.environ if base is None else base)
    env.update(CC_VIZ_SCENARIO=scenario, CC_VIZ_LANG=lang, CC_VIZ_RESIDENTS=str(residents), CC_VIZ_SEED=str(seed),
               SOLARA_TELEMETRY_MIXPANEL_ENABLE="False")
    env.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", SESSION_KEPT)
    # The app imports ``sim``: make sure the server finds this checkout even when not installed.
    root = str(APP.parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def check_arguments(scenario: str, lang: str, residents: int, port: int, seed: int = 0) -> str:
    """Validate the command's input; returns the scenario reference to pass to the server."""
    from .i18n import check_language
    from .session import workshop_scenarios

    check_language(lang)
    if not 50 <= residents <= 5000:
        raise UserError(f"expected a workshop size between 50 and 5000; found {residents}", key="--residents")
    if not 1 <= port <= 65535:   # 0 would let the server pick a port the printed address does not name
        raise UserError(f"expected a port number between 1 and 65535; found {port}", key="--port")
    seeds = BY_NAME["seed"]
    if not seeds.min <= seed <= seeds.max:   # the page's seed slider
        raise UserError(f"expected a seed from {seeds.min:g} to {seeds.max:g} (the page's seed slider); found {seed}",
                        key="--seed")
    from ..scenario import check_residents, load_scenario, names_a_file
    ref = str(Path(scenario).resolve()) if names_a_file(scenario) else scenario   # as the server gets it
    check_residents(load_scenario(ref), residents, key="--residents")   # ScenarioError (a UserError) if bad
    workshop_scenarios(ref, residents)
    return ref


def check_can_listen(host: str, port: int) -> None:
    """Refuse, before the address is printed, a host or port the server could not listen on (the
    server would only log an error after the room was told to open the address, which may be
    another program's page: another ``caring-community viz`` already on that port)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as e:
        raise UserError(f"expected a host name or address of this computer (such as localhost or 0.0.0.0); "
                        f"found '{host}' ({e.strerror})", key="--host") from None
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server does
        try:
            s.bind(address)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise UserError(f"expected a free port; found port {port} on {host} already in use (another "
                                "workshop page or program?): choose another with --port", key="--port") from None
            if e.errno == errno.EACCES:
                raise UserError(f"expected a port this user may listen on; found {port} (ports below 1024 need "
                                "administrator rights): choose another with --port", key="--port") from None
            raise UserError(f"expected an address this computer can listen on; found {host}:{port} ({e.strerror})",
                            key="--host") from None


def _cmd_viz(args) -> int:
    ref = check_arguments(args.scenario, args.lang, args.residents, args.port, args.seed)
    needed = ("solara", "solara_assets", "ipyvuetify", "altair")
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        raise UserError(f"the workshop page needs the 'viz' extra (missing: {', '.join(missing)}): "
                        "pip install 'caring-community[viz]' (in a checkout: pip install -e '.[viz]')")
    check_can_listen(args.host, args.port)
    for line in announcement(args.scenario, args.residents, args.lang, args.host, args.port, room_address()):
        print(line, flush=True)
    env = server_env(ref, args.lang, args.residents, args.seed)
    return run_server(server_command(args.host, args.port), env)


def room_address() -> str | None:
    """This computer's address on its local network, the one the room's other computers reach it by
    (None without a network). Nothing is sent: connecting a UDP socket only picks the interface."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def announcement(scenario: str, residents: int, lang: str, host: str, port: int, room: str | None) -> list[str]:
    """What the facilitator reads when the page starts: the address to open, and, when the page
    listens on every interface, the address the room's computers open (``room``: :func:`room_address`)."""
    everywhere = host in ("0.0.0.0", "::", "")
    lines = [f"Workshop page for '{scenario}' ({residents} residents, language {lang}): "
             f"http://{'localhost' if everywhere else host}:{port}/"]
    if everywhere:
        lines.append(f"Other computers in the room: http://{room}:{port}/" if room else
                     "Listening on every network interface, but this computer has no network address yet: "
                     "other computers in the room use its address once it is on the room's network.")
    lines.append("Stop with Ctrl+C.")
    return lines


def run_server(cmd: list[str], env: dict[str, str]) -> int:
    """Run the server until it exits; stopping this command (Ctrl+C, SIGTERM) stops the server too."""
    proc = subprocess.Popen(cmd, env=env)

    def stop(signum, frame):
        proc.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def register(subparsers) -> None:
    p = subparsers.add_parser("viz", help="start the live workshop page in the browser (Solara, works offline)")
    p.add_argument("scenario", nargs="?", default="centre-sud", help="preset name or YAML file (default: centre-sud)")
    p.add_argument("--lang", default="fr", help="language of the page: fr or en (default: fr; switchable on the page)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    p.add_argument("--host", default="localhost", help="address to listen on (default localhost; 0.0.0.0 for the room)")
    p.add_argument("--residents", type=int, default=500,
                   help="workshop size, 50 to 5000: the scenario is scaled to this many residents (default 500)")
    p.add_argument("--seed", type=int, default=0, help="initial random seed, 0 to 99 (default 0; a slider on the page)")
    p.set_defaults(func=_cmd_viz)
