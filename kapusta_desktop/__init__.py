"""KAPUSTA desktop: a Bitrix24 operator console for a sales desk."""

__version__ = "0.1.0"
APP_NAME = "kapusta-desktop"
