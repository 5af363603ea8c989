"""``make bench``: the engine benchmark (:mod:`lava_aptn.bench`; also ``lava-aptn bench``)."""

from lava_aptn.bench import main

if __name__ == "__main__":
    main()
