"""Writing a file whole: a model, a picture, a page. A reader never sees half a file.

The bytes go to a temporary file beside the target, which then replaces it in one
step (`os.replace`), so a crash or a full disk leaves the old file as it was. The
new file gets the permissions `open()` would give it (0666 less the umask) or, when
it replaces one, that file's; a symlink is written through, not replaced; errors
name the target, never the temporary file.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def write_atomically(path: str | os.PathLike, data: bytes, durable: bool = False) -> Path:
    """Write `data` to `path` all at once; `durable=True` also syncs it to disk before the switch."""
    path = Path(path)
    target = Path(os.path.realpath(path))  # through a symlink, to the file it points at
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise _about(error, path) from None
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.writing"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for open()
    except OSError as error:
        raise _about(error, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if mode is not None:
                os.chmod(f.fileno(), mode)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(temporary, target)  # atomic on POSIX and Windows
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _about(error, path) from None
        raise
    return path


def _about(error: OSError, path: Path) -> OSError:
    """The same kind of error, about the target: PermissionError: [Errno 13] Permission denied: 'out/model.json'."""
    if error.errno is None:
        return type(error)(f"{error}: {str(path)!r}")
    return type(error)(error.errno, error.strerror, str(path))
