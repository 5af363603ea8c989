"""``lava-aptn data``: fetch and inspect the datasets.

``lava-aptn data fetch [mnist|fashion-mnist|all]`` gets, verifies and caches
the IDX files; ``lava-aptn data info`` says where they are, whether they pass
their checksums, and how many images each class has. The library is imported
inside the run functions so that ``lava-aptn --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys

DATASET_CHOICES = ("mnist", "fashion-mnist", "all")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``data`` command and its ``fetch`` and ``info`` actions."""
    from lava_aptn.data.specs import SOURCE_NAMES

    parser = subparsers.add_parser(
        "data",
        help="fetch, verify and inspect MNIST / Fashion-MNIST",
        description="Fetch, verify (SHA-256) and inspect the cached IDX datasets.",
    )
    parser.set_defaults(func=lambda args: _print_help(parser))
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION")

    fetch_p = actions.add_parser(
        "fetch",
        help="get, verify and cache the IDX files",
        description="Get, verify and cache the IDX files. Sources are tried in order: "
        + ", ".join(SOURCE_NAMES)
        + ". Cache root: $LAVA_APTN_DATA, else $XDG_CACHE_HOME/lava-aptn or ~/.cache/lava-aptn.",
    )
    fetch_p.add_argument("dataset", nargs="?", default="all", choices=DATASET_CHOICES)
    fetch_p.add_argument(
        "--from", dest="from_dir", metavar="DIR", help="folder holding the IDX files (raw or .gz)"
    )
    fetch_p.add_argument(
        "--source",
        dest="sources",
        action="append",
        choices=SOURCE_NAMES,
        help="try only this source (repeat for several, in order)",
    )
    fetch_p.add_argument(
        "--timeout", dest="timeout_s", type=float, default=10.0, help="network timeout, seconds"
    )
    fetch_p.add_argument("-v", "--verbose", action="store_true", help="report every source tried")
    fetch_p.set_defaults(func=run_fetch)

    info_p = actions.add_parser(
        "info",
        help="where the files are, verified or not, images per class",
        description="Show each dataset's cache, checksum state and images per class. "
        "Exit status 1 when a split is missing or corrupt.",
    )
    info_p.add_argument("dataset", nargs="?", default="all", choices=DATASET_CHOICES)
    info_p.set_defaults(func=run_info)


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 1


def _names(choice: str) -> list[str]:
    from lava_aptn.data.specs import DATASETS

    return list(DATASETS) if choice == "all" else [choice]


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch each requested dataset; print one line per dataset; 0 if all succeeded."""
    from lava_aptn.data.fetch import fetch
    from lava_aptn.errors import DataError

    def log(line: str) -> None:
        print(f"  {line}", file=sys.stderr)

    status = 0
    for name in _names(args.dataset):
        try:
            result = fetch(
                name,
                sources=args.sources,
                from_dir=args.from_dir,
                timeout_s=args.timeout_s,
                log=log if args.verbose else None,
            )
        except DataError as exc:
            print(f"lava-aptn data fetch: error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(result.line(), flush=True)
    return status


def run_info(args: argparse.Namespace) -> int:
    """Print, per dataset and split, location, checksum state and images per class."""
    from lava_aptn.data.cache import cache_root, dataset_dir, split_status
    from lava_aptn.data.specs import DATASETS, SPLITS

    print(f"cache root: {cache_root()}")
    status = 0
    for name in _names(args.dataset):
        spec = DATASETS[name]
        print(f"{spec.name} ({spec.title}): {dataset_dir(spec)}")
        for split in SPLITS:
            st = split_status(spec, split)
            files = ", ".join(p.name for p in st.paths)
            if st.verified:
                counts = " ".join(str(c) for c in st.class_counts)
                print(f"  {split:5s} verified  {st.n_images} images  ({files})")
                print(f"        per class 0-{spec.num_classes - 1}: {counts}")
            else:
                status = 1
                problem = st.problem.replace("\n", " ")
                print(f"  {split:5s} NOT VERIFIED  {problem}")
    return status
