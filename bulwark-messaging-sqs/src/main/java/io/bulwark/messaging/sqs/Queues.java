package io.bulwark.messaging.sqs;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A broker's queues: creating them (idempotently; what was made is remembered by name), and the
 * groups of a topic, which publishing sends to.
 *
 * <p>Design notes. SQS has no fan-out of its own (that is SNS), so a topic's groups are its
 * queues named {@code <prefix><topic>__<group>}, listed with {@code ListQueues} by that prefix:
 * the queues themselves are the durable list, shared by every node without a registry to keep.
 * The list is read when a topic is first published to and again once it is older than
 * {@code groupRefresh}; a group this broker creates is added at once. So a group declared on
 * another node gets what is published here from at most {@code groupRefresh} later (and AWS lists
 * a new queue after a short while of its own). Group queues carry the native redrive policy
 * ({@code maxReceiveCount}) to the topic's dead letters as a backstop; Bulwark's consumer moves a
 * message there itself, with the reason, after {@code maxDeliveries}.
 */
final class Queues {

    /** One group's queue. */
    record Group(String name, String url) {
    }

    private record Listed(List<Group> groups, Instant at) {
    }

    private final Supplier<SqsClient> client;
    private final QueueNames names;
    private final InstantSource clock;
    private final Duration groupRefresh;
    private final Duration retention;
    private final int maxReceiveCount;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, String> arns = new ConcurrentHashMap<>();
    private final Map<String, Listed> listed = new ConcurrentHashMap<>();

    Queues(Supplier<SqsClient> client, QueueNames names, InstantSource clock, Duration groupRefresh, Duration retention,
           int maxReceiveCount) {
        this.client = client;
        this.names = names;
        this.clock = clock;
        this.groupRefresh = groupRefresh;
        this.retention = retention;
        this.maxReceiveCount = maxReceiveCount;
    }

    QueueNames names() {
        return names;
    }

    /**
     * The URL of {@code group}'s queue of {@code topic}, created (with the topic's dead letters) when
     * missing; when a queue remembered was deleted meanwhile, forgets the topic's and makes them again.
     */
    String group(String topic, String group) {
        try {
            return groupOnce(topic, group);
        } catch (QueueDoesNotExistException e) {
            forget(topic);
            return groupOnce(topic, group);
        }
    }

    private String groupOnce(String topic, String group) {
        String name = names.group(topic, group);
        String url = urls.get(name);
        if (url != null) {
            return url;
        }
        String dead = dead(topic);
        String arn = arns.get(dead);
        if (arn == null) { // read outside any map lock: a request must not hold one
            arn = client.get().getQueueAttributes(r -> r.queueUrl(dead).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            arns.put(dead, arn);
        }
        Map<QueueAttributeName, String> attributes = attributes();
        if (maxReceiveCount > 0) {
            attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn
                    + "\",\"maxReceiveCount\":" + maxReceiveCount + "}");
        }
        url = create(name, attributes);
        urls.put(name, url);
        Listed l = listed.get(topic);
        if (l != null && l.groups().stream().noneMatch(g -> g.name().equals(group))) {
            List<Group> more = new ArrayList<>(l.groups());
            more.add(new Group(group, url));
            listed.put(topic, new Listed(List.copyOf(more), l.at()));
        }
        return url;
    }

    /** The URL of the topic's dead letters' queue, created when missing. */
    String dead(String topic) {
        String name = names.dead(topic);
        String url = urls.get(name);
        if (url == null) {
            url = create(name, attributes());
            urls.put(name, url);
        }
        return url;
    }

    /** The URL of the topic's dead letters' queue when it exists, else null; creates nothing. */
    String existingDead(String topic) {
        String name = names.dead(topic);
        String url = urls.get(name);
        if (url != null) {
            return url;
        }
        try {
            url = client.get().getQueueUrl(r -> r.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            return null;
        }
        urls.put(name, url);
        return url;
    }

    /** The URL of {@code group}'s queue of {@code topic} when it exists, else null; creates nothing. */
    String existingGroup(String topic, String group) {
        String url = urls.get(names.group(topic, group));
        if (url != null) {
            return url;
        }
        return groups(topic, true).stream().filter(g -> g.name().equals(group)).map(Group::url).findFirst().orElse(null);
    }

    /** The groups of {@code topic}, from the list read at most {@code groupRefresh} ago, or read again when {@code fresh}. */
    List<Group> groups(String topic, boolean fresh) {
        Listed l = listed.get(topic);
        Instant now = clock.instant();
        if (!fresh && l != null && now.isBefore(l.at().plus(groupRefresh))) {
            return l.groups();
        }
        String prefix = names.groupPrefix(topic);
        List<Group> out = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListQueuesResponse page = client.get().listQueues(r -> r.queueNamePrefix(prefix).maxResults(1000).nextToken(next));
            for (String url : page.queueUrls()) {
                String name = url.substring(url.lastIndexOf('/') + 1);
                String group = names.groupOf(topic, name);
                if (group != null) {
                    out.add(new Group(group, url));
                    urls.putIfAbsent(name, url);
                }
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        List<Group> groups = List.copyOf(out);
        listed.put(topic, new Listed(groups, now));
        return groups;
    }

    /** Forgets what is remembered of {@code topic}'s queues (one was deleted under us): the next use looks again. */
    void forget(String topic) {
        listed.remove(topic);
        urls.keySet().removeIf(name -> name.equals(names.dead(topic)) || name.startsWith(names.groupPrefix(topic)));
        arns.keySet().removeIf(url -> url.endsWith("/" + names.dead(topic)));
    }

    private Map<QueueAttributeName, String> attributes() {
        Map<QueueAttributeName, String> a = new EnumMap<>(QueueAttributeName.class);
        a.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(retention.toSeconds()));
        return a;
    }

    /**
     * Creates the queue {@code name}, or takes it as it is when it exists with these attributes. One
     * that exists with others (a retention or redrive policy set before) is given these: the
     * configuration in force is the one of the broker that last declared it.
     */
    private String create(String name, Map<QueueAttributeName, String> attributes) {
        try {
            return client.get().createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
        } catch (QueueNameExistsException e) {
            return update(name, attributes);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if ("QueueAlreadyExists".equals(code) || "QueueNameExists".equals(code)) {
                return update(name, attributes);
            }
            throw e;
        }
    }

    private String update(String name, Map<QueueAttributeName, String> attributes) {
        String url = client.get().getQueueUrl(r -> r.queueName(name)).queueUrl();
        client.get().setQueueAttributes(r -> r.queueUrl(url).attributes(attributes));
        return url;
    }
}
