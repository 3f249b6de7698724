package dev.honest.launcher.cli;

import picocli.CommandLine.Command;

/** {@code run}: deploy to the current kube context and see the run through. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = {"Deploy Ollama and the workers to the cluster, watch them live, then collect the results.",
        "Collecting writes every worker's log and aggregates k8s-cluster-results.json."})
public final class RunCommand extends DeployingCommand {}
