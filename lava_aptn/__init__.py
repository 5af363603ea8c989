"""lava-aptn: unsupervised online adaptive weight pruning for spiking WTA networks on Lava."""

__version__ = "0.1.0"
