# The paypulse image: one jar, every command. docker-compose.yml runs `migrate` and `bridge` from it.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -ntp -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/cli/target/paypulse.jar /opt/paypulse/paypulse.jar
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/paypulse/paypulse.jar"]
CMD ["bridge"]
