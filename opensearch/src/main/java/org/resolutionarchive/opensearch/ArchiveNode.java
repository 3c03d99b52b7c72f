package org.resolutionarchive.opensearch;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * An OpenSearch node whose plugins are classes on the class path rather than folders under plugins/.
 *
 * <p>The official distribution loads its modules (transport-netty4, analysis-common, lang-painless ...) from
 * folders, each in its own class loader. Here the same published jars sit on one class path, so the node is given
 * the plugin classes directly, through the constructor Node keeps for that purpose.
 */
final class ArchiveNode extends Node {

    /** HTTP and transport (netty4), the archive's analysis (cjk_bigram, cjk_width, stemmers), scripts. */
    static final Collection<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class
    );

    ArchiveNode(Settings settings) {
        super(
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> settings.get("node.name")),
            PLUGINS,
            true // forbid private index settings, as a production node does
        );
    }
}
