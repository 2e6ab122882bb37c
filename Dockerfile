# The paypulse images, from one build of the repository:
# - the default (last) stage: the paypulse command line, one jar for every command; docker-compose.yml
#   runs `migrate`, `bridge` and `simulate` from it;
# - target flink-job: Flink with the payment health job jar in /opt/flink/usrlib, for the JobManager and
#   TaskManager of docker-compose.yml (application mode).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The Maven repository is a build cache (BuildKit, the default builder): editing a file does not download
# every dependency again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -ntp -Dmaven.test.skip=true package

# Flink's version must be the one the job is built against (the parent pom's flink.version).
FROM flink:2.2.1-scala_2.12-java17 AS flink-job
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /opt/flink/usrlib /opt/flink/checkpoints /opt/flink/plugins/paypulse-metrics \
    && chown flink:flink /opt/flink/usrlib /opt/flink/checkpoints
COPY --from=build --chown=flink:flink /src/flink-jobs/target/paypulse-flink-jobs-0.1.0-SNAPSHOT-job.jar /opt/flink/usrlib/paypulse-flink-jobs.jar
# Flink loads metric reporters from plugins only: the same jar again, for the pipeline health reporter.
COPY --from=build --chown=flink:flink /src/flink-jobs/target/paypulse-flink-jobs-0.1.0-SNAPSHOT-job.jar /opt/flink/plugins/paypulse-metrics/paypulse-flink-jobs.jar
# The JobManager's entrypoint in docker-compose.yml: application mode, resumed from the newest checkpoint.
COPY flink-jobs/src/main/docker/jobmanager-from-checkpoint.sh /opt/paypulse/jobmanager-from-checkpoint.sh
RUN chmod 755 /opt/paypulse/jobmanager-from-checkpoint.sh

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/cli/target/paypulse.jar /opt/paypulse/paypulse.jar
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/paypulse/paypulse.jar"]
CMD ["bridge"]
