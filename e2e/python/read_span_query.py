"""Reads POST /v1/spans answers the way pandas users get them, and prints what came out.

Usage: read_span_query.py BASE_URL PROJECT_NAME

For each query below it asks twice, once for Arrow (read with pyarrow's `open_stream(...)
.read_pandas()`, as the legacy `px.Client().query_spans` does) and once for multipart JSON
(each part read with pandas' table-schema reader and the position prefixes stripped, as
`phoenix.client`'s `_process_span_dataframe` does), and prints one JSON object: per query and
encoding, the index names, columns, dtypes, row count and a few values, plus whether the two
encodings gave equal dataframes. Only the standard library, pandas and pyarrow are used.
"""

import io
import json
import sys
import urllib.request

import pandas as pd
import pyarrow as pa
from pandas.io.json._table_schema import parse_table_schema

QUERIES = {
    "default": {},
    "select": {
        "select": {"input": {"key": "input.value"}, "kind": {"key": "span_kind"}},
        "rename": {"input": "question"},
    },
    "explode": {
        "explode": {
            "key": "retrieval.documents",
            "kwargs": {"reference": "document.content", "score": "document.score"},
        },
    },
}


def post(base_url, project, body, accept):
    request = urllib.request.Request(
        f"{base_url}/v1/spans?project_name={project}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": accept},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Type"), response.read()


def read_arrow(data):
    source = io.BytesIO(data)
    frames = []
    while True:
        try:
            with pa.ipc.open_stream(source) as reader:
                frames.append(reader.read_pandas())
        except pa.ArrowInvalid:
            break
    return frames


def read_multipart(content_type, data):
    boundary = "--" + content_type.split("boundary=")[1].split(";", 1)[0]
    text = data.decode()
    frames = []
    while boundary in text:
        part, text = text.split(boundary, 1)
        if "Content-Type: application/json" in part:
            frames.append(decode_part(part.split("\r\n\r\n", 1)[1].strip()))
    return frames


def decode_part(json_string):
    # pd.read_json(orient="table") is this reader; phoenix.client calls it directly.
    df = parse_table_schema(json_string, False)
    df.index.names = [x.split("_", 1)[1] or None for x in df.index.names]
    return df.set_axis([x.split("_", 1)[1] for x in df.columns], axis=1)


def describe(df):
    values = {}
    if "start_time" in df.columns and len(df):
        values["start_time"] = [t.isoformat() for t in df["start_time"]]
    if "attributes.llm.input_messages" in df.columns:
        messages = df["attributes.llm.input_messages"].dropna()
        values["input_messages"] = [[dict(m) for m in list(ms)] for ms in messages]
    if "reference" in df.columns:
        values["reference"] = df["reference"].tolist()
        values["index"] = [list(i) for i in df.index.tolist()]
    return {
        "index_names": list(df.index.names),
        "columns": list(df.columns),
        "dtypes": {column: str(dtype) for column, dtype in df.dtypes.items()},
        "rows": len(df),
        "values": values,
    }


def same(a, b):
    """Equal up to list vs numpy array in nested cells (Arrow lists come back as arrays)."""
    if list(a.columns) != list(b.columns) or a.index.tolist() != b.index.tolist():
        return False
    for column in a.columns:
        for x, y in zip(a[column].tolist(), b[column].tolist()):
            if normalize(x) != normalize(y):
                return False
    return True


def normalize(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        # An Arrow struct has every key any row had; the ones a row lacked come back as None.
        return {k: normalize(v) for k, v in value.items() if v is not None}
    if isinstance(value, pd.Timestamp):
        return value.value
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def main():
    base_url, project = sys.argv[1], sys.argv[2]
    out = {"pandas": pd.__version__, "pyarrow": pa.__version__}
    for name, query in QUERIES.items():
        body = {"queries": [query, query]}
        arrow_type, arrow_data = post(base_url, project, body, "application/x-pandas-arrow")
        json_type, json_data = post(base_url, project, body, "application/json")
        arrow_frames = read_arrow(arrow_data)
        json_frames = read_multipart(json_type, json_data)
        out[name] = {
            "arrow_content_type": arrow_type,
            "json_content_type": json_type.split(";")[0],
            "arrow_frames": len(arrow_frames),
            "json_frames": len(json_frames),
            "arrow": describe(arrow_frames[0]),
            "json": describe(json_frames[0]),
            "equal": same(arrow_frames[0], json_frames[0]),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
