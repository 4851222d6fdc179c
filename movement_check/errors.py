"""The one exception a user may see: bad input, said in words they can act on."""


class InputError(Exception):
    """Something the user gave us (a clip, a model path, an option) cannot be used.

    The message is one sentence that says what is wrong and what to do. The
    command line prints it on one line and exits with status 2; the app shows
    it in place of the result.
    """


class OutputError(InputError):
    """An output cannot be written where the user asked: the message names their path and, when the work was
    already done, where what was computed was kept instead."""


LONGEST_WORD = 200          # a path stays whole; a 10 kB value does not


def shorten(text: str, limit: int = LONGEST_WORD) -> str:
    """``text`` cut in the middle when longer than ``limit`` characters (a 10 kB value is not echoed back)."""
    text = str(text)
    if len(text) <= limit:
        return text
    tail = max(8, limit // 5)
    return f"{text[:limit - tail - 5]}[...]{text[-tail:]}"


def one_line(message: str, *, limit: int = 600) -> str:
    """A message as one line: line breaks become spaces, each overlong word is shortened, and so is the whole."""
    words = [shorten(w) for w in str(message).split()]
    return shorten(" ".join(words), limit)


class SettingsError(InputError, ValueError):
    """A test's settings that cannot be used, with every problem in one message (not only the first).

    ``problems``: ``(setting, value as shown or None, what to give)`` for each;
    ``name``: how a setting is named in the message (the command line names its flags).
    """

    def __init__(self, problems, message: str | None = None, *, name=None):
        self.problems = [tuple(p) for p in problems]
        name = name or (lambda setting: setting)
        if message is None:
            message = "; ".join(f"{name(setting)} {shown}: {advice}" if shown is not None
                                else f"{name(setting)}: {advice}" for setting, shown, advice in self.problems) + "."
        super().__init__(message)

    def __reduce__(self):          # pickled whole (a step analysed on the compute cluster)
        return (SettingsError, (self.problems, str(self)))
