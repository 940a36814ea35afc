package io.bulwark.bench.messaging;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AWS SDK v2's {@code SqsClient} with the settings {@code SqsBroker} gives it (the JDK's
 * URLConnection HTTP client, 10 s timeouts, the URL's endpoint, region and credentials): a queue per
 * topic and group; publish in {@code SendMessageBatch}es of ten, one after another, each message
 * with the attributes {@code id} (String) and {@code at} (Number, epoch ms); consume with one
 * receiver ({@code ReceiveMessage} of up to ten, a 1 s long poll, at most twice {@code concurrency}
 * messages held, as the Bulwark consumer's prefetch) handing each message to one of
 * {@code concurrency} handler threads, and each received batch deleted in one
 * {@code DeleteMessageBatch} once all of it was handled.
 */
final class RawSqs implements RawClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SqsClient client;
    private final ConcurrentHashMap<String, String> urls = new ConcurrentHashMap<>();

    /** {@code url}: {@code http://<key>:<secret>@host:port?region=<region>}, an SQS endpoint as SqsBroker takes it. */
    private final boolean bare;

    RawSqs(String url, boolean bare) {
        this.bare = bare;
        URI u = URI.create(url);
        String[] user = u.getUserInfo().split(":", 2);
        String region = u.getQuery().substring("region=".length());
        client = SqsClient.builder().endpointOverride(URI.create(u.getScheme() + "://" + u.getHost() + ":" + u.getPort()))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(user[0], user[1])))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(TIMEOUT))
                .build();
    }

    private String queue(String topic, String group) {
        return urls.computeIfAbsent(topic + ":" + group,
                k -> client.createQueue(r -> r.queueName("raw-" + topic + "-" + group)).queueUrl());
    }

    @Override
    public void publish(String topic, List<byte[]> bodies) {
        String url = queue(topic, "g");
        for (int from = 0; from < bodies.size(); from += 10) {
            List<SendMessageBatchRequestEntry> batch = new ArrayList<>(10);
            for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
                SendMessageBatchRequestEntry.Builder e = SendMessageBatchRequestEntry.builder().id(Integer.toString(i - from))
                        .messageBody(new String(bodies.get(i), StandardCharsets.UTF_8));
                if (!bare) {
                    e.messageAttributes(Map.of(
                            "id", MessageAttributeValue.builder().dataType("String").stringValue(RawClient.newId()).build(),
                            "at", MessageAttributeValue.builder().dataType("Number")
                                    .stringValue(Long.toString(System.currentTimeMillis())).build()));
                }
                batch.add(e.build());
            }
            SendMessageBatchResponse answer = client.sendMessageBatch(r -> r.queueUrl(url).entries(batch));
            if (!answer.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused " + answer.failed().size() + " of a batch: "
                        + answer.failed().getFirst());
            }
        }
    }

    @Override
    public void declare(String topic, String group) {
        queue(topic, group);
    }

    @Override
    public void consume(String topic, String group, int n, int concurrency) throws Exception {
        String url = queue(topic, group);
        Semaphore room = new Semaphore(concurrency * 2);
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger received = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            while (received.get() < n) {
                room.acquire();
                int take = 1;
                while (take < 10 && room.tryAcquire()) {
                    take++;
                }
                int max = take;
                List<Message> got = client.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(1)
                        .visibilityTimeout(31)).messages();
                room.release(max - got.size());
                received.addAndGet(got.size());
                AtomicInteger left = new AtomicInteger(got.size());
                for (Message m : got) {
                    pool.execute(() -> {
                        // the handler: nothing to do, as in the Bulwark consumer's
                        if (left.decrementAndGet() == 0) {
                            delete(url, got);
                            room.release(got.size());
                            got.forEach(x -> done.countDown());
                        }
                    });
                }
            }
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("raw sqs: only " + (n - done.getCount()) + " of " + n + " consumed");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void delete(String url, List<Message> batch) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(batch.get(i).receiptHandle()).build());
        }
        DeleteMessageBatchResponse answer = client.deleteMessageBatch(r -> r.queueUrl(url).entries(entries));
        if (!answer.failed().isEmpty()) {
            throw new IllegalStateException("SQS did not delete " + answer.failed().size() + " of a batch: "
                    + answer.failed().getFirst());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
