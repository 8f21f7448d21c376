# Build stage: the same Maven build as the README's run command.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY media/pom.xml media/
COPY signalling/pom.xml signalling/
COPY server/pom.xml server/
COPY loadtest/pom.xml loadtest/
COPY media/src media/src
COPY signalling/src signalling/src
COPY server/src server/src
COPY loadtest/src loadtest/src
RUN mvn -B -q -DskipTests package -pl server -am

# Run stage: a JRE and the one shaded jar.
FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/vardmote vardmote && mkdir -p /var/lib/vardmote && chown vardmote /var/lib/vardmote
COPY --from=build /src/server/target/vardmote-server.jar /opt/vardmote/vardmote-server.jar
USER vardmote
WORKDIR /var/lib/vardmote
# In a container the server must listen on all interfaces; set VARDMOTE_ADVERTISED_ADDRESSES to the
# address clients reach the host on (the server refuses to start without it when bound to 0.0.0.0).
ENV VARDMOTE_BIND_ADDRESS=0.0.0.0 \
    VARDMOTE_DATA_DIR=/var/lib/vardmote/data
EXPOSE 8080/tcp 10000/udp 10000/tcp 5060/udp 5060/tcp
VOLUME /var/lib/vardmote/data
# Liveness from inside the container, with the jar itself (the JRE image has no curl): GET /health.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-jar", "/opt/vardmote/vardmote-server.jar", "health"]
ENTRYPOINT ["java", "-jar", "/opt/vardmote/vardmote-server.jar"]
