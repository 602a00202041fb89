# dozor worker image (see docker-compose.yml). Python only; lexicons ship inside.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY filters ./filters
COPY streams ./streams
COPY lexicons ./lexicons
COPY console ./console
COPY examples ./examples
RUN pip install --no-cache-dir . && useradd --create-home dozor
USER dozor
ENV DOZOR_DATA_DIR=/home/dozor/data
CMD ["dozor", "worker"]
