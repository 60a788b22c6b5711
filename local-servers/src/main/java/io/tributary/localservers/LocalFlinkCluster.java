package io.tributary.localservers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Flink standalone cluster on loopback, as separate processes started from Flink's
 * own classes the way its scripts do: {@code BashJavaUtils} computes each process's memory
 * settings from {@code config.yaml}, then a {@code StandaloneSessionClusterEntrypoint} (JobManager)
 * and {@code TaskManagerRunner}s start. Jobs are submitted with Flink's CLI ({@code CliFrontend}).
 * The classpath is Flink's runtime only (no job classes): the job jar brings its own.
 */
public final class LocalFlinkCluster implements AutoCloseable {
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    /** What Flink's distribution passes every JVM ({@code env.java.default-opts.all} in its config.yaml). */
    private static final List<String> JVM_OPENS = List.of("--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final Path conf;
    private final String classpath;
    private final int restPort;
    private final List<Process> taskManagers = new ArrayList<>();
    private Process jobManager;

    private LocalFlinkCluster(Path dir, String classpath) {
        this.dir = dir;
        this.conf = dir.resolve("conf");
        this.classpath = classpath;
        this.restPort = FreePorts.find();
    }

    /** Starts a JobManager and {@code taskManagers} TaskManagers; {@code settings} go into config.yaml. */
    public static LocalFlinkCluster start(Path dir, String classpath, int taskManagers, Map<String, String> settings) {
        LocalFlinkCluster cluster = new LocalFlinkCluster(dir, classpath);
        try {
            cluster.writeConfig(settings);
            cluster.jobManager = cluster.launch("jobmanager", "GET_JM_RESOURCE_PARAMS",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--executionMode", "cluster");
            cluster.awaitRest();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers);
        } catch (IOException e) {
            cluster.close();
            throw new IllegalStateException("Cannot start the Flink cluster in " + dir + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        return cluster;
    }

    private void writeConfig(Map<String, String> settings) throws IOException {
        Files.createDirectories(conf);
        Files.createDirectories(dir.resolve("tmp"));
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(FreePorts.find()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.data.port", "0");
        c.put("blob.server.port", "0");
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("taskmanager.memory.process.size", "1536m");
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("taskmanager.numberOfTaskSlots", "2");
        c.put("io.tmp.dirs", dir.resolve("tmp").toString());
        c.put("env.java.opts.all", "-Duser.timezone=UTC");
        c.putAll(settings);
        StringBuilder yaml = new StringBuilder();
        c.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml);
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO", "rootLogger.appenderRef.out.ref = out",
                "appender.out.type = Console", "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n", ""));
    }

    public void startTaskManager() {
        try {
            taskManagers.add(launch("taskmanager-" + taskManagers.size(), "GET_TM_RESOURCE_PARAMS",
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start a TaskManager: " + e.getMessage(), e);
        }
    }

    /** The TaskManager with this resource id (as the REST API reports it); each logs it at start. */
    public int taskManagerIndex(String resourceId) throws IOException {
        for (int i = 0; i < taskManagers.size(); i++) {
            if (Files.readString(dir.resolve("taskmanager-" + i + ".log")).contains(resourceId)) {
                return i;
            }
        }
        throw new IOException("no TaskManager of this cluster has the resource id " + resourceId);
    }

    /** kill -9 of a TaskManager process. */
    public void killTaskManager(int index) throws InterruptedException {
        Process tm = taskManagers.get(index);
        tm.destroyForcibly();
        tm.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts one process as Flink's scripts would: memory settings from BashJavaUtils, then the entry class. */
    private Process launch(String name, String resourceParams, String mainClass, String... args) throws IOException {
        List<String> computed = javaUtils(resourceParams);
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(computed.get(0).trim().split("\\s+")));
        command.addAll(JVM_OPENS);
        command.addAll(List.of("-Duser.timezone=UTC", "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties"),
                "-cp", classpath, mainClass, "--configDir", conf.toString()));
        command.addAll(List.of(args));
        String dynamic = computed.size() > 1 ? computed.get(computed.size() - 1).trim() : "";
        if (!dynamic.isEmpty()) {
            command.addAll(List.of(dynamic.split("\\s+")));
        }
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    }

    private List<String> javaUtils(String command) throws IOException {
        Process p = new ProcessBuilder("java", "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command, "--configDir", conf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("BashJavaUtils " + command + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        List<String> results = out.lines().filter(l -> l.startsWith(EXEC_RESULT))
                .map(l -> l.substring(EXEC_RESULT.length())).toList();
        if (results.isEmpty()) {
            throw new IOException("BashJavaUtils " + command + " printed no result: " + out);
        }
        return results;
    }

    /**
     * {@code flink run -d -c mainClass jar args...} with Flink's CLI; returns the finished client
     * process (exit 0 once the job was submitted).
     */
    public Process submit(Path jar, String mainClass, List<String> args, Map<String, String> env, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(JVM_OPENS);
        command.addAll(List.of("-Duser.timezone=UTC",
                "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties"), "-cp", classpath,
                "org.apache.flink.client.cli.CliFrontend", "run", "-d", "-c", mainClass, jar.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        Process client = pb.start();
        if (!client.waitFor(300, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IOException("flink run did not finish within 300 s; see " + log);
        }
        return client;
    }

    /** GET on the cluster's REST API (e.g. {@code /jobs/overview}). */
    public String rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private void awaitRest() throws IOException {
        awaitCondition("the JobManager's REST API on port " + restPort, () -> rest("/config").contains("flink-version"),
                jobManager);
    }

    private void awaitTaskManagers(int count) throws IOException {
        awaitCondition(count + " TaskManagers registered", () -> registeredTaskManagers() >= count, jobManager);
    }

    public int registeredTaskManagers() throws IOException, InterruptedException {
        String body = rest("/taskmanagers");
        return body.split("\"id\"", -1).length - 1;
    }

    private interface Check {
        boolean ok() throws IOException, InterruptedException;
    }

    private void awaitCondition(String what, Check check, Process process) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the JobManager exited with " + process.exitValue() + "; see "
                        + dir.resolve("jobmanager.log"));
            }
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException notYet) {
                // not answering yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            LocalMySql.sleep(250);
        }
        throw new IOException("no " + what + " within 120 s; see " + dir);
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public synchronized void close() {
        for (Process tm : taskManagers) {
            tm.destroyForcibly();
        }
        if (jobManager != null) {
            jobManager.destroyForcibly();
        }
    }
}
