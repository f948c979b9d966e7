"""An analysis worker process: `python -m retrieval.analysis_worker TITLE_WEIGHT compiled|plain`
reads chunks of documents on stdin and writes their analysed terms on stdout (see
retrieval.build); `compiled` looks pieces up in the compiled table."""

import sys

from retrieval.build import serve_worker

if __name__ == "__main__":
    serve_worker(int(sys.argv[1]), sys.argv[2:3] == ["compiled"])
