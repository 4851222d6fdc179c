"""The one exception a user may see: bad input, said in words they can act on."""


class InputError(Exception):
    """Something the user gave us (a clip, a model path, an option) cannot be used.

    The message is one sentence that says what is wrong and what to do. The
    command line prints it on one line and exits with status 2; the app shows
    it in place of the result.
    """
