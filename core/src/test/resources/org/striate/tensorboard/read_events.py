"""Reads folders of TensorBoard event files with TensorBoard's own code and prints what it found as JSON,
one entry per folder (all in one run: importing tensorboard takes seconds).

First every record of every file through TensorBoard's record reader, which checks both CRC-32C sums
(a bad one raises DataLossError, reported as the folder's "error"), decoded as Event messages; then the
summaries through EventAccumulator, the reader behind TensorBoard's own pages.
"""
import glob
import json
import os
import sys

from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub import pywrap_tensorflow
from tensorboard.compat.tensorflow_stub import errors


def read(folder):
    records = 0
    versions = []
    for path in sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*"))):
        reader = pywrap_tensorflow.PyRecordReader_New(path, 0, None, None)
        while True:
            try:
                reader.GetNext()
            except errors.OutOfRangeError:
                break
            except errors.DataLossError as e:
                return {"error": str(e)}
            event = event_pb2.Event.FromString(reader.record())
            if event.HasField("file_version"):
                versions.append(event.file_version)
            records += 1

    acc = event_accumulator.EventAccumulator(folder, size_guidance={"scalars": 0, "histograms": 0, "images": 0})
    acc.Reload()
    tags = acc.Tags()
    out = {"records": records, "file_versions": versions, "scalars": {}, "histograms": {}, "images": {}}
    for tag in tags["scalars"]:
        out["scalars"][tag] = [[e.step, e.value] for e in acc.Scalars(tag)]
    for tag in tags["histograms"]:
        out["histograms"][tag] = [[e.step, e.histogram_value.min, e.histogram_value.max, e.histogram_value.num,
                                   e.histogram_value.sum, e.histogram_value.sum_squares, list(e.histogram_value.bucket_limit),
                                   list(e.histogram_value.bucket)] for e in acc.Histograms(tag)]
    for tag in tags["images"]:
        out["images"][tag] = [[e.step, e.width, e.height, e.encoded_image_string[:8].hex(), len(e.encoded_image_string)]
                              for e in acc.Images(tag)]
    return out


print(json.dumps({folder: read(folder) for folder in sys.argv[1:]}))
