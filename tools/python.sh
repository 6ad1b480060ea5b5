#!/bin/sh
# Which Python makes the course's environment, and whether an existing one
# may be reused. `make setup` runs it; you need not.
#
#   sh tools/python.sh VENV [PYTHON]
#
# PYTHON is what `make setup PYTHON=...` named; without it the first
# supported one of python3, python3.13, python3.12, python3.11 on the PATH
# is taken. Prints the Python to create VENV with, or nothing when VENV
# exists and was made by it; otherwise explains and exits 1.
SUPPORTED="3.11 3.12 3.13"
venv=$1
wanted=$2

version() {  # the major.minor version of Python $1, or nothing
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

supported() {
    case " $SUPPORTED " in *" $1 "*) return 0 ;; esac
    return 1
}

how_to_get_one() {
    cat >&2 <<'EOF'
The course runs on Python 3.11, 3.12 or 3.13. To get one:
  Debian/Ubuntu:  sudo apt install python3 python3-venv   (Debian 12: 3.11, Debian 13: 3.13)
  macOS:          install Python 3.13 from python.org, or: brew install python@3.13
  any system:     pyenv install 3.13
Then run make again, or name it: make setup PYTHON=/path/to/python3.13
EOF
}

if [ -n "$wanted" ]; then
    python=$(command -v "$wanted") || { echo "PYTHON=$wanted: no such program." >&2; how_to_get_one; exit 1; }
    have=$(version "$python")
    if ! supported "$have"; then
        echo "PYTHON=$wanted is Python ${have:-of unknown version}, which the course does not support." >&2
        how_to_get_one
        exit 1
    fi
else
    python=
    for candidate in python3 python3.13 python3.12 python3.11; do
        found=$(command -v "$candidate") || continue
        have=$(version "$found")
        if supported "$have"; then python=$found; break; fi
    done
    if [ -z "$python" ]; then
        three=$(command -v python3 >/dev/null && version python3)
        echo "No supported Python found${three:+ (python3 is Python $three)}." >&2
        how_to_get_one
        exit 1
    fi
fi

if [ -x "$venv/bin/python" ]; then
    made_by=$(version "$venv/bin/python")
    if [ -z "$made_by" ]; then
        echo "$venv/ no longer runs (the Python that made it is gone): remove it with" \
             "'make clean' and run make again." >&2
        exit 1
    fi
    if ! supported "$made_by"; then
        echo "$venv/ was made by Python $made_by, which the course does not support: remove" \
             "it with 'make clean' and run make again (it will use $python, Python $have)." >&2
        exit 1
    fi
    if [ -n "$wanted" ] && [ "$made_by" != "$have" ]; then
        echo "$venv/ was made by Python $made_by, not by $wanted (Python $have): remove it" \
             "with 'make clean' to rebuild it with $wanted, or leave out PYTHON." >&2
        exit 1
    fi
    exit 0  # reuse it
fi

if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "$python (Python $have) cannot make a virtual environment: its venv module is" \
         "missing. On Debian/Ubuntu: sudo apt install python3-venv (or python$have-venv)." >&2
    exit 1
fi
echo "$python"
