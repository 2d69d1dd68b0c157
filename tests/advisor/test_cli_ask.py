"""`advisor ask` stopped with Ctrl-C: generation ends, the partial answer stays on screen, marked.

The command runs in a child process (a real SIGINT needs one) over the real Advisor, with a
scripted model that writes one word every 0.1 s: the whole answer would take 30 s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from typing import Any

    from advisor.agent import open_advisor
    from advisor.commands import ask
    from advisor.llm.scripted import ScriptedChatModel


    class Dribbling(ScriptedChatModel):
        \"\"\"Writes a word every 0.1 s and, like the llama.cpp model, stops when interrupted.\"\"\"

        interrupt: Any = None

        def _stream(self, *args, **kwargs):
            for chunk in super()._stream(*args, **kwargs):
                if self.interrupt is not None and self.interrupt.is_set():
                    return
                time.sleep(0.1)
                yield chunk


    def opened(model, base_url=None):
        chat = Dribbling(replies=["word " * 300] * 5)
        advisor = open_advisor(chat_model=chat, data_dir=Path(sys.argv[1]))
        chat.interrupt = advisor._interrupt  # what load_chat_model does for the real model
        return advisor


    ask._open = opened
    from advisor.cli import app

    app(["ask", "hello, how are you?"], prog_name="advisor")
""")


def test_ctrl_c_ends_the_answer_keeps_what_was_written_and_marks_it_stopped(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "data")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"})
    assert child.stdout is not None
    written = ""
    while "word word word" not in written:  # a few words of the answer are on the screen
        piece = child.stdout.read(1)
        assert piece, f"the child ended before answering: {child.stderr.read() if child.stderr else ''}"
        written += piece
    child.send_signal(signal.SIGINT)
    rest, err = child.communicate(timeout=10)  # the full answer would need another ~30 s
    written += rest

    assert child.returncode == 130, err
    assert written.rstrip().endswith("[stopped]")
    assert written.count("word") < 300, "the answer was cut short"
    assert "Traceback" not in err
    assert "stopped" in err and "--thread" in err
