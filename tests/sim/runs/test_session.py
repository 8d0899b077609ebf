"""Session files: written and read back unchanged; another format, an unknown command or a
malformed file refused in one line; an existing output path refused before anything runs."""

import pytest

from sim.params.synapse import ParameterError
from sim.runs.outputs import OutputError
from sim.runs.session import (
    FORMAT,
    Command,
    Session,
    SessionError,
    check_session_path,
    write_session,
)
from sim.runs.session_read import parse_session, read_session, replayed_start

KNOWN = {"fire", "toggle_pause", "step", "preset_8", "quit"}


def _session() -> Session:
    return Session(
        preset="default",
        seed=12345678901,
        blockade=0.35,
        overrides=["firing_rate_hz=5", 'odd="name"\\x'],
        size=(1024, 640),
        projector=True,
        compare=False,
        tour=True,
        history_mb=64,
        commands=[
            Command(1, 0, 0.0, "fire", t_us=0.0),
            Command(1, 1234, 1.0 / 3.0, "blockade", 0.55, t_us=12.34),
            Command(1, 1234, 2.5, "toggle_pause"),
            Command(1, 1234, 2.5, "click", (640, 300)),
            Command(1, 1235, 3.0, "wheel", (10, -20, -1)),
            Command(1, 1235, 3.1, "event_paused", "vesicle fusion"),
            Command(2, 0, 7.25, "rate", 0.156),
            Command(2, 40, 8.0, "seek", 12),  # back into the recorded past: the step goes back
            Command(2, 12, 9.5, "step"),
        ],
    )


def test_a_session_is_read_back_exactly_as_written(tmp_path):
    s = _session()
    path = tmp_path / "s.toml"
    write_session(path, s)
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == 12 + len(s.commands) + 1  # one command a line
    assert "# t = 12.3 µs" in text  # the simulated time, for people
    back = read_session(path, KNOWN)
    fields = ("preset", "seed", "blockade", "overrides", "size", "projector", "tour", "history_mb")
    for field in fields:
        assert getattr(back, field) == getattr(s, field), field
    assert [(c.build, c.step, c.screen_s, c.do, c.value) for c in back.commands] == [
        (c.build, c.step, c.screen_s, c.do, c.value) for c in s.commands
    ]  # floats exactly (repr round trip), values with their kinds


def test_an_existing_file_is_never_replaced(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("keep")
    with pytest.raises(SessionError, match="exists; sessions never replace a file"):
        check_session_path("--save-session", path)
    with pytest.raises(OutputError, match="exists"):
        write_session(path, _session())
    assert path.read_text() == "keep"
    with pytest.raises(SessionError, match=r"must end in \.toml"):
        check_session_path("--save-session", tmp_path / "s.txt")
    check_session_path("--save-session", tmp_path / "new.toml")  # a free name passes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_session().to_text().replace(f"format = {FORMAT}", "format = 99"), "format 99"),
        (_session().to_text().replace(f"format = {FORMAT}\n", ""), "format None"),
        (_session().to_text().replace('"toggle_pause"', '"dance"'), "unknown command 'dance'"),
        (_session().to_text().replace("value = 0.55", "value = 1.5"), "is not a fraction"),
        (_session().to_text().replace("value = [640, 300]", "value = 3"), "is not a point"),
        (_session().to_text().replace('do = "fire"', 'do = "fire", value = 1'), "takes no value"),
        (_session().to_text().replace("seed = ", "seed = -"), "seed = -12345678901"),
        (_session().to_text().replace("size = [1024, 640]", "size = [1024]"), "size"),
        (_session().to_text() + "colour = 1\n", "unknown key 'colour'"),
        ("format = 1\npreset = [", "invalid TOML"),
    ],
)
def test_a_file_cleft_cannot_replay_is_refused_in_one_line(text, message):
    with pytest.raises(ParameterError) as err:  # a SessionError, or the input rule's InputError
        parse_session(text, "session s.toml", KNOWN)
    assert message in str(err.value)
    assert "\n" not in str(err.value) and str(err.value).startswith("session s.toml")


def test_options_beside_replay_must_say_what_the_session_says(tmp_path):
    path = tmp_path / "s.toml"
    write_session(path, _session())
    same = {"--seed": 12345678901, "--size": (1024, 640), "--tour": True, "--blockade": 0.35}
    assert replayed_start(path, KNOWN, same).seed == 12345678901
    with pytest.raises(SessionError, match="--seed differs from the session's"):
        replayed_start(path, KNOWN, {"--seed": 1})
    with pytest.raises(SessionError, match="--history-mb differs"):
        replayed_start(path, KNOWN, {"--history-mb": 200})
    with pytest.raises(SessionError, match="--set differs"):
        replayed_start(path, KNOWN, {"--set": ["firing_rate_hz=5"]})
    with pytest.raises(ParameterError, match="session none.toml: file not found"):
        replayed_start(tmp_path / "none.toml", KNOWN, {})
