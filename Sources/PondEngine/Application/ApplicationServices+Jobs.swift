import Logging
import PondStore

extension ApplicationServices {
    /// Every kind of job the services queue, with its handler: what a node's `JobRunner` runs. Listed here once, so
    /// the server, the CLI and the tests run the same set; `channels` and `rate` are where deliveries go and how fast,
    /// `stepBatchSize` how many journey steps one transaction takes.
    public func jobHandlers(
        channels: any DeliveryChannels, rate: SendRate, stepBatchSize: Int = JourneyStepJob.defaultBatchSize, logger: Logger
    ) -> [any JobHandler] {
        [
            DecideAgainJob(dispatch: dispatch),
            DeliveryJob(dispatch: dispatch, channels: channels, rate: rate),
            DeliveryReceiptJob(dispatch: dispatch, channels: channels),
            JourneyStepJob(journeys: journeys, dispatch: dispatch, batchSize: stepBatchSize, logger: logger),
            JourneyTriggerJob(journeys: journeys, logger: logger),
            JourneyDateEntryJob(journeys: journeys),
            JourneyWebhookJob(channels: self.channels, clock: journeys.definitions.clock, logger: logger),
            BroadcastJob(broadcasts: broadcasts),
        ]
    }
}
