"""khanij: Hindi news articles on critical-minerals geopolitics -> English Parquet datasets."""

from pathlib import Path

PIPELINE_VERSION = "0.1.0"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
