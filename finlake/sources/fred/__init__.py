"""FRED / ALFRED: macro observations with their vintages."""
