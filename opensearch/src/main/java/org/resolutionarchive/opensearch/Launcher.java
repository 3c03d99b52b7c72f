package org.resolutionarchive.opensearch;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;

/**
 * Starts one OpenSearch node with settings given as arguments, and closes it cleanly on SIGTERM or SIGINT.
 *
 * <pre>
 * java -Xms512m -Xmx512m -jar target/archive-opensearch.jar \
 *     path.home=var/opensearch/node-0 cluster.name=archive node.name=node-0 \
 *     network.host=127.0.0.1 http.port=9200 transport.port=9300 discovery.type=single-node
 * </pre>
 *
 * Each argument is {@code key=value} (the {@code -E} prefix of the official launcher is accepted too). Exit code 1
 * with a message on standard error when the node cannot start (a port taken, a data directory locked ...).
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Settings settings = parse(args);
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(settings.get("node.name", "node"));
        LogConfigurator.configureWithoutConfig(settings);

        Node node = new ArchiveNode(settings);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                System.err.println("closing the node failed: " + e);
            } finally {
                closed.countDown();
            }
        }, "archive-opensearch-shutdown"));
        try {
            node.start();
        } catch (NodeValidationException | RuntimeException e) {
            System.err.println("the node did not start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("archive-opensearch: node " + settings.get("node.name") + " started, http port "
            + settings.get("http.port", "9200"));
        // The node's own threads are daemons: keep the JVM alive until the shutdown hook has closed it.
        closed.await();
    }

    static Settings parse(String[] args) {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            String setting = arg.startsWith("-E") ? arg.substring(2) : arg;
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + arg);
            }
            builder.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        Settings settings = builder.build();
        if (settings.get("path.home") == null) {
            throw new IllegalArgumentException("path.home=DIR is required (the node's data and logs go under it)");
        }
        return settings;
    }
}
