# Registre: API, scheduler and scan workers share this image.
FROM python:3.11-slim
WORKDIR /srv/registre
COPY . .
RUN pip install --no-cache-dir ".[all]"
ENV REGISTRE_DATABASE_URL=postgresql://registre@postgres:5432/registre
EXPOSE 8000
CMD ["registre", "serve", "--host", "0.0.0.0", "--port", "8000"]
